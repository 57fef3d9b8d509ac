import CertMapCore
import Crypto
import Foundation
import SwiftASN1
import X509
import XCTest

final class CertificateRevocationListTests: XCTestCase {
    private var temporary: TemporaryDirectory!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-crl")
    }

    override func tearDown() {
        temporary.remove()
    }

    /// An openssl CA that revoked three users: keyCompromise, superseded, and no reason.
    private func opensslCRL(keyType: OpenSSLTestCA.KeyType) throws -> (OpenSSLTestCA, CertificateRevocationList) {
        let ca = try OpenSSLTestCA(in: temporary.url, keyType: keyType)
        try ca.revoke(ca.issueUser("u1", serialHex: "1234ABCD"), reason: "keyCompromise")
        try ca.revoke(ca.issueUser("u2", serialHex: "00FF01"), reason: "superseded")
        try ca.revoke(ca.issueUser("u3", serialHex: "7F"), reason: nil)
        try ca.issueUser("u4", serialHex: "0ABC")
        return (ca, try CertificateRevocationList(pemEncoded: ca.generateCRL()))
    }

    private func assertParsesOpenSSLCRL(keyType: OpenSSLTestCA.KeyType, algorithm: String) throws {
        let (ca, crl) = try opensslCRL(keyType: keyType)
        let issuer = try Certificate(pemEncoded: ca.read("ca.crt"))
        XCTAssertEqual(crl.version, 2)
        XCTAssertEqual(crl.signatureAlgorithm.description, algorithm)
        XCTAssertEqual(crl.issuer, issuer.subject)
        XCTAssertEqual(crl.crlNumber, "1000")
        XCTAssertNotNil(crl.nextUpdate)
        let entries = crl.revokedCertificates.map { (SerialNumberText.hex($0.serialNumber), $0.reason) }
        XCTAssertEqual(entries.map(\.0).sorted(), ["1234ABCD", "7F", "FF01"])
        XCTAssertEqual(Dictionary(entries, uniquingKeysWith: { first, _ in first })["1234ABCD"], .keyCompromise)
        XCTAssertEqual(Dictionary(entries, uniquingKeysWith: { first, _ in first })["FF01"], .superseded)
        XCTAssertEqual(Dictionary(entries, uniquingKeysWith: { first, _ in first })["7F"], .some(nil))
        XCTAssertNoThrow(try crl.verifySignature(issuer: issuer))
        let u1 = try Certificate(pemEncoded: ca.read("u1.crt"))
        let u4 = try Certificate(pemEncoded: ca.read("u4.crt"))
        XCTAssertEqual(crl.entry(for: u1.serialNumber)?.reason, .keyCompromise)
        XCTAssertNil(crl.entry(for: u4.serialNumber))
        let original = try PEMDocument(pemString: ca.read("crl.pem")).derBytes
        XCTAssertEqual(crl.derBytes, original, "re-serialisation must reproduce the signed bytes")
    }

    func testParsesAnOpenSSLGeneratedCRLSignedWithAnECKey() throws {
        try assertParsesOpenSSLCRL(keyType: .ecP256, algorithm: "ecdsa-with-SHA256")
    }

    func testParsesAnOpenSSLGeneratedCRLSignedWithAnRSAKey() throws {
        try assertParsesOpenSSLCRL(keyType: .rsa2048, algorithm: "sha256WithRSAEncryption")
    }

    func testTamperedCRLFailsSignatureVerificationNamingTheIssuer() throws {
        let (ca, crl) = try opensslCRL(keyType: .ecP256)
        let issuer = try Certificate(pemEncoded: ca.read("ca.crt"))
        var der = crl.derBytes
        let serial: [UInt8] = [0x12, 0x34, 0xAB, 0xCD]
        let offset = try XCTUnwrap((0...(der.count - 4)).first { Array(der[$0..<($0 + 4)]) == serial })
        der[offset + 3] = 0xCE
        let tampered = try CertificateRevocationList(derEncoded: der)
        XCTAssertThrowsError(try tampered.verifySignature(issuer: issuer)) { error in
            XCTAssertEqual(error as? CRLError, .signatureDoesNotVerify(issuer: "CN=OpenSSL Test CA,O=CertMap Test"))
            XCTAssertTrue("\(error)".hasPrefix("CRL signature does not verify with issuer CN=OpenSSL Test CA"))
        }
    }

    func testCRLFromAnotherCAIsRejectedAsIssuerMismatch() throws {
        let (_, crl) = try opensslCRL(keyType: .ecP256)
        let other = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName { CommonName("Other CA") },
            key: Certificate.PrivateKey(P256.Signing.PrivateKey()),
            notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(86_400)
        )
        XCTAssertThrowsError(try crl.verifySignature(issuer: other.certificate)) { error in
            XCTAssertEqual(error as? CRLError, .issuerMismatch(crlIssuer: "CN=OpenSSL Test CA", certificateSubject: "CN=Other CA"))
        }
    }

    func testGarbageBytesGiveATypedMalformedError() {
        XCTAssertThrowsError(try CertificateRevocationList(derEncoded: [0x30, 0x05, 0x02, 0x01])) { error in
            guard case .malformed(let message) = error as? CRLError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(message.hasPrefix("CRL: invalid DER encoding"), message)
        }
        XCTAssertThrowsError(try CertificateRevocationList(derEncoded: [0x02, 0x01, 0x05])) { error in
            XCTAssertEqual(error as? CRLError, .malformed("CRL: expected SEQUENCE for CertificateList, found ASN1Identifier(tagNumber: 2, tagClass: universal)"))
        }
    }

    func testCertificateListWhoseFirstElementIsNotASequenceNamesTBSCertList() throws {
        // SEQUENCE { INTEGER 1, SEQUENCE { OID ecdsa-with-SHA256 }, BIT STRING }
        let bytes: [UInt8] = [0x30, 0x13, 0x02, 0x01, 0x01, 0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04,
                              0x03, 0x02, 0x03, 0x02, 0x00, 0x00]
        XCTAssertThrowsError(try CertificateRevocationList(derEncoded: bytes)) { error in
            guard case .malformed(let message) = error as? CRLError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(message.hasPrefix("CRL: expected SEQUENCE for TBSCertList"), message)
        }
    }

    func testPEMOfAnotherTypeIsRejectedSayingWhatWasFound() throws {
        let certificatePEM = PEMDocument(type: "CERTIFICATE", derBytes: [0x30, 0x00]).pemString
        XCTAssertThrowsError(try CertificateRevocationList(pemEncoded: certificatePEM)) { error in
            XCTAssertEqual(error as? CRLError, .notPEM("expected PEM type \"X509 CRL\", found \"CERTIFICATE\""))
        }
    }

    func testIssuedCRLIsAcceptedByOpenSSLWithAnECIssuer() throws {
        let now = Date()
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let root = try CertificateIssuer.selfSignedRoot(
            subject: DistinguishedName { OrganizationName("CertMap Test"); CommonName("Issuing Test CA") },
            key: key, notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400)
        )
        let revoked = try RevokedCertificate(
            serialNumber: Certificate.SerialNumber(bytes: [0x3F, 0x2A, 0x01]), revocationDate: now, reason: .keyCompromise
        )
        let crl = try CertificateRevocationList.issue(
            issuer: root.certificate, issuerKey: key, revoked: [revoked],
            thisUpdate: now, nextUpdate: now.addingTimeInterval(7 * 86_400), crlNumber: 42
        )
        let reparsed = try CertificateRevocationList(pemEncoded: crl.pemString)
        XCTAssertEqual(reparsed, crl)
        XCTAssertEqual(reparsed.crlNumber, "2A")
        XCTAssertEqual(reparsed.revokedCertificates.first?.reason, .keyCompromise)
        XCTAssertNotNil(reparsed.authorityKeyIdentifier?.keyIdentifier)
        try assertOpenSSLVerifies(crl, issuerPEM: CertificateEncodingForTests.pem(root.certificate))
    }

    func testIssuedCRLIsAcceptedByOpenSSLWithAnRSAIssuer() throws {
        let ca = try OpenSSLTestCA(in: temporary.url, keyType: .rsa2048)
        let issuer = try CertificateIssuer(
            certificate: Certificate(pemEncoded: ca.read("ca.crt")), privateKey: Certificate.PrivateKey(pemEncoded: ca.read("ca.key"))
        )
        let crl = try CertificateRevocationList.issue(
            issuer: issuer.certificate, issuerKey: issuer.privateKey, revoked: [],
            thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(86_400), crlNumber: 1
        )
        XCTAssertEqual(crl.signatureAlgorithm.description, "sha256WithRSAEncryption")
        XCTAssertNoThrow(try crl.verifySignature(issuer: issuer.certificate))
        try assertOpenSSLVerifies(crl, issuerPEM: ca.read("ca.crt"))
    }

    private func assertOpenSSLVerifies(_ crl: CertificateRevocationList, issuerPEM: String) throws {
        let crlURL = temporary.url.appendingPathComponent("issued-crl.pem")
        let issuerURL = temporary.url.appendingPathComponent("issued-issuer.pem")
        try crl.pemString.write(to: crlURL, atomically: true, encoding: .utf8)
        try issuerPEM.write(to: issuerURL, atomically: true, encoding: .utf8)
        let result = try OpenSSLRunner.run(["crl", "-in", crlURL.path, "-CAfile", issuerURL.path, "-noout"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("verify OK"), result.output)
    }
}

/// PEM of a certificate for writing test files.
enum CertificateEncodingForTests {
    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }
}
