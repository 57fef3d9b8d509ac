import Foundation
import XCTest

@testable import CertMapCore

/// Certificates made by the real openssl must read back exactly as openssl prints them:
/// `opensslRFC2253` byte for byte like `-nameopt RFC2253`, `rfc2253` like `RFC2253,-esc_msb`,
/// and the serial and fingerprints like `-serial` and `-fingerprint`.
final class OpenSSLInteropTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var openssl: OpenSSLTool!

    override func setUpWithError() throws {
        openssl = try OpenSSLTool.require()
        directory = try TemporaryDirectory("certmap-openssl")
    }

    override func tearDown() {
        directory?.remove()
    }

    // MARK: - Helpers

    /// `openssl req -x509` with `-utf8 -multivalue-rdn -subj subject`; returns the PEM file.
    private func selfSigned(_ subject: String, serial: String? = nil, name: String = "cert") throws -> URL {
        let certificate = directory.file("\(name).pem")
        var arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory.file("\(name).key").path, "-out", certificate.path, "-days", "30",
            "-utf8", "-multivalue-rdn", "-subj", subject,
        ]
        if let serial { arguments += ["-set_serial", serial] }
        try openssl.run(arguments)
        return certificate
    }

    private func load(_ url: URL) throws -> CertificateIdentity {
        let all = try CertificateLoader.certificates(at: url)
        XCTAssertEqual(all.count, 1)
        return all[0]
    }

    /// Asserts both RFC 2253 forms of the subject agree with openssl's.
    private func assertSubjectAgreesWithOpenSSL(_ subject: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try selfSigned(subject)
        let identity = try load(url)
        let escaped = try openssl.x509Field(url, ["-subject", "-nameopt", "RFC2253"], label: "subject=")
        let utf8 = try openssl.x509Field(url, ["-subject", "-nameopt", "RFC2253,-esc_msb"], label: "subject=")
        XCTAssertEqual(identity.subject.opensslRFC2253, escaped, "opensslRFC2253 for -subj \(subject)", file: file, line: line)
        XCTAssertEqual(identity.subject.rfc2253, utf8, "rfc2253 for -subj \(subject)", file: file, line: line)
    }

    // MARK: - Names

    func testPlainSubjectWithEveryIISSubfieldMatchesOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL("/C=US/ST=Washington/L=Redmond/O=Contoso/OU=Sales/CN=bob/emailAddress=bob@contoso.example")
    }

    func testMultiValuedRDNMatchesOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL("/C=US/O=Contoso/CN=alice+OU=Ops+UID=a1")
    }

    func testCommasAndPlusSignsAreEscapedLikeOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL(#"/O=Contoso, Ltd./OU=R\+D/CN=a,b"#)
    }

    func testQuotesSemicolonsAndAngleBracketsAreEscapedLikeOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL(#"/O=say "hi"/OU=night;shift/CN=<admin>"#)
    }

    func testBackslashIsEscapedLikeOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL(#"/O=CONTOSO\\sales/CN=domain\\user"#)
    }

    func testLeadingHashAndLeadingOrTrailingSpacesAreEscapedLikeOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL("/O=#1 fan club/OU= leading/CN=trailing ")
    }

    func testNonASCIIValuesMatchOpenSSLEscapedAndUnescaped() throws {
        try assertSubjectAgreesWithOpenSSL("/C=DE/O=株式会社/OU=Forschung & Entwicklung/CN=Jürgen Müller")
    }

    func testMixedSpecialCharactersInMultiValuedRDNMatchOpenSSL() throws {
        try assertSubjectAgreesWithOpenSSL(#"/C=DE/O=Müller, Söhne \& Co/OU=R\+D/CN=Jürgen Müller+UID=jm;1/emailAddress=jm@example.de/L=#hash/ST=say "hi" "#)
    }

    func testDomainComponentsAndOtherAttributesUseOpenSSLShortNames() throws {
        try assertSubjectAgreesWithOpenSSL("/DC=example/DC=contoso/serialNumber=4711/title=Engineer/GN=Alice/SN=Smith/CN=Alice Smith")
    }

    func testNonASCIIValuesDecodeToTheSameTextRulesMatch() throws {
        let identity = try load(try selfSigned("/O=株式会社/CN=Jürgen Müller+OU=Forschung"))
        XCTAssertEqual(identity.values(of: .commonName, in: .subject), ["Jürgen Müller"])
        XCTAssertEqual(identity.values(of: .organizationalUnit, in: .subject), ["Forschung"])
        XCTAssertEqual(identity.values(of: .organization, in: .subject), ["株式会社"])
    }

    func testIssuerOfACASignedCertificateMatchesOpenSSL() throws {
        let ca = try selfSigned(#"/C=US/O=Contoso, Ltd./CN=Contoso Issuing CA Ü"#, name: "ca")
        let request = directory.file("leaf.csr")
        try openssl.run([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory.file("leaf.key").path, "-out", request.path, "-utf8", "-subj", "/O=Contoso/CN=leaf",
        ])
        let leaf = directory.file("leaf.pem")
        try openssl.run([
            "x509", "-req", "-in", request.path, "-CA", ca.path, "-CAkey", directory.file("ca.key").path,
            "-set_serial", "4242", "-days", "10", "-out", leaf.path,
        ])
        let identity = try load(leaf)
        XCTAssertEqual(identity.issuer.opensslRFC2253, try openssl.x509Field(leaf, ["-issuer", "-nameopt", "RFC2253"], label: "issuer="))
        XCTAssertEqual(identity.issuer.rfc2253, try openssl.x509Field(leaf, ["-issuer", "-nameopt", "RFC2253,-esc_msb"], label: "issuer="))
        XCTAssertEqual(identity.issuer.rfc2253, #"CN=Contoso Issuing CA Ü,O=Contoso\, Ltd.,C=US"#)
        XCTAssertEqual(identity.values(of: .commonName, in: .issuer), ["Contoso Issuing CA Ü"])
        XCTAssertEqual(identity.subject.rfc2253, "CN=leaf,O=Contoso")
    }

    // MARK: - Serial and fingerprints

    func testRandomSerialMatchesOpenSSLSerial() throws {
        let url = try selfSigned("/CN=serial")
        XCTAssertEqual(try load(url).serialNumber, try openssl.x509Field(url, ["-serial"], label: "serial="))
    }

    func testSerialWithHighBitSetMatchesOpenSSLWithoutSignByte() throws {
        let url = try selfSigned("/CN=serial", serial: "0xC0FFEE")
        XCTAssertEqual(try openssl.x509Field(url, ["-serial"], label: "serial="), "C0FFEE")
        XCTAssertEqual(try load(url).serialNumber, "C0FFEE")
    }

    func testSmallSerialMatchesOpenSSL() throws {
        let url = try selfSigned("/CN=serial", serial: "1")
        XCTAssertEqual(try openssl.x509Field(url, ["-serial"], label: "serial="), "01")
        XCTAssertEqual(try load(url).serialNumber, "01")
    }

    func testFingerprintsMatchOpenSSLFingerprints() throws {
        let url = try selfSigned("/O=Contoso/CN=fingerprint")
        let identity = try load(url)
        XCTAssertEqual(identity.sha256.colonHex, try openssl.x509Field(url, ["-fingerprint", "-sha256"], label: "sha256 Fingerprint="))
        XCTAssertEqual(identity.sha1.colonHex, try openssl.x509Field(url, ["-fingerprint", "-sha1"], label: "sha1 Fingerprint="))
    }

    func testDERWrittenByOpenSSLLoadsAsTheSameCertificate() throws {
        let pem = try selfSigned("/O=Contoso/CN=der")
        let der = directory.file("cert.der")
        try openssl.run(["x509", "-in", pem.path, "-outform", "DER", "-out", der.path])
        let fromDER = try CertificateLoader.certificates(at: der)
        XCTAssertEqual(fromDER, [try load(pem)])
        XCTAssertEqual(fromDER.first?.sha256.colonHex, try openssl.x509Field(pem, ["-fingerprint", "-sha256"], label: "sha256 Fingerprint="))
    }
}
