import CertMapCore
import Foundation
import X509
import SwiftASN1
import XCTest

final class ChainValidatorTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var pki: URL { temporary.url.appendingPathComponent("pki") }
    /// Whole seconds, like certificate times, so day counts in notes are exact.
    private let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    private var trust: TrustStore!
    private var crl: CertificateRevocationList!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-chain")
        try DemoPKI.initialize(in: pki, now: now)
        trust = try TrustStore.load(bundleAt: pki.appendingPathComponent("ca-bundle.pem"))
        crl = try CertificateRevocationList(pemEncoded: String(contentsOf: pki.appendingPathComponent("crl.pem"), encoding: .utf8))
    }

    override func tearDown() {
        temporary.remove()
    }

    private func certificate(_ name: String) throws -> Certificate {
        // Server and proxy files hold the leaf then its intermediate; the leaf is the first.
        try Certificate(pemDocument: PEMDocument.parseMultiple(pemString: String(contentsOf: pki.appendingPathComponent("\(name).crt"), encoding: .utf8))[0])
    }

    private func validate(
        _ name: String, crls: [CertificateRevocationList]? = nil, revokedSerials: Set<String> = [],
        requireClientAuthUsage: Bool = true, at time: Date? = nil
    ) async throws -> ChainValidation {
        let validator = ChainValidator(
            trust: trust, crls: crls ?? [crl], revokedSerials: revokedSerials,
            requireClientAuthUsage: requireClientAuthUsage
        )
        return await validator.validate(leaf: try certificate(name), presentedIntermediates: [], at: time ?? now)
    }

    func testTrustStoreTreatsSelfSignedBundleCertificatesAsAnchorsAndOthersAsIntermediates() throws {
        XCTAssertEqual(trust.anchors.map(\.subject.traceName), ["CN=CertMap Demo Root CA"])
        XCTAssertEqual(trust.intermediates.map(\.subject.traceName), ["CN=CertMap Demo Issuing CA"])
    }

    func testAliceIsValidWithAChainOfThreeEndingAtTheTrustedRoot() async throws {
        let result = try await validate("alice")
        XCTAssertEqual(result.verdict, .valid, result.notes.joined(separator: "\n"))
        XCTAssertEqual(result.chain.count, 3)
        XCTAssertEqual(result.chain.first?.subject.traceName, "CN=alice")
        XCTAssertTrue(result.notes.contains(
            "chain: CN=alice → CN=CertMap Demo Issuing CA → CN=CertMap Demo Root CA (trusted anchor)"
        ), result.notes.joined(separator: "\n"))
        XCTAssertTrue(result.notes.contains { $0.contains("not listed in the CRL of CN=CertMap Demo Issuing CA") })
    }

    func testImpostorWithAlicesSubjectIsUntrustedNamingTheMissingIssuer() async throws {
        let result = try await validate("impostor")
        XCTAssertEqual(result.verdict, .untrusted)
        XCTAssertEqual(result.chain, [])
        XCTAssertTrue(result.notes.contains(
            "no chain to a trusted root: issuer CN=CertMap Impostor Root of CN=alice is not in the CA bundle"
        ), result.notes.joined(separator: "\n"))
    }

    func testExpiredUserIsExpiredNamingTheCertificateAndHowLongAgo() async throws {
        let result = try await validate("expired")
        XCTAssertEqual(result.verdict, .expired)
        XCTAssertEqual(result.chain.count, 3)
        let expiry = try certificate("expired").notValidAfter.formatted(.iso8601)
        XCTAssertTrue(result.notes.contains(
            "validity: CN=expired-user expired \(expiry) (30 days before validation time)"
        ), result.notes.joined(separator: "\n"))
    }

    func testNotYetValidUserIsNotYetValid() async throws {
        let result = try await validate("notyet")
        XCTAssertEqual(result.verdict, .notYetValid)
        XCTAssertTrue(result.notes.contains {
            $0.hasPrefix("validity: CN=notyet-user is not valid until") && $0.hasSuffix("(30 days after validation time)")
        }, result.notes.joined(separator: "\n"))
    }

    func testRevokedCertificateIsRejectedAsRevokedWithItsSerial() async throws {
        let revoked = try certificate("revoked")
        let serial = SerialNumberText.hex(revoked.serialNumber)
        let result = try await validate("revoked")
        XCTAssertEqual(result.verdict, .revoked)
        XCTAssertEqual(result.revocation?.serialNumber, serial)
        XCTAssertEqual(result.revocation?.reason, .keyCompromise)
        let day = now.addingTimeInterval(-3600).formatted(.iso8601.year().month().day())
        XCTAssertTrue(result.notes.contains(
            "revocation: serial \(serial) of CN=revoked-user revoked by CRL of CN=CertMap Demo Issuing CA on \(day) (keyCompromise)"
        ), result.notes.joined(separator: "\n"))
    }

    func testSerialInConfiguredRevokedSerialsIsRevokedWithoutAnyCRL() async throws {
        let bob = try certificate("bob")
        let hex = SerialNumberText.hex(bob.serialNumber)
        let typed = stride(from: 0, to: hex.count, by: 2).map { offset -> String in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return String(hex[start..<hex.index(start, offsetBy: 2)])
        }.joined(separator: ":").lowercased()
        let result = try await validate("bob", crls: [], revokedSerials: [typed])
        XCTAssertEqual(result.verdict, .revoked)
        XCTAssertEqual(result.revocation?.source, .configuredSerials)
        XCTAssertTrue(result.notes.contains("revocation: serial \(hex) of CN=bob revoked by configured revoked serials"))
    }

    func testServerOnlyEKUCertificateIsUntrustedForClientAuthentication() async throws {
        let result = try await validate("server")
        XCTAssertEqual(result.verdict, .untrusted)
        XCTAssertTrue(result.notes.contains {
            $0.contains("CN=localhost is not allowed for TLS client authentication (extended key usage: serverAuth)")
        }, result.notes.joined(separator: "\n"))
    }

    func testServerOnlyEKUCertificateIsValidWhenClientAuthUsageIsNotRequired() async throws {
        let result = try await validate("server", requireClientAuthUsage: false)
        XCTAssertEqual(result.verdict, .valid, result.notes.joined(separator: "\n"))
    }

    func testStaleCRLLeavesAValidCertificateValidWithAWarningNote() async throws {
        let issuing = try CertificateIssuer.load(
            certificateAt: pki.appendingPathComponent("intermediate-ca.crt"),
            keyAt: pki.appendingPathComponent("intermediate-ca.key")
        )
        let stale = try CertificateRevocationList.issue(
            issuer: issuing.certificate, issuerKey: issuing.privateKey, revoked: [],
            thisUpdate: now.addingTimeInterval(-10 * 86_400), nextUpdate: now.addingTimeInterval(-86_400), crlNumber: 7
        )
        let result = try await validate("alice", crls: [stale])
        XCTAssertEqual(result.verdict, .valid)
        XCTAssertTrue(result.notes.contains { $0.hasPrefix("revocation: CRL of CN=CertMap Demo Issuing CA is stale since") },
                      result.notes.joined(separator: "\n"))
    }

    func testCRLWhoseSignatureDoesNotVerifyRevokesNobody() async throws {
        var der = crl.derBytes
        // Flip the last byte of the revoked serial inside TBSCertList: the CRL still parses,
        // but its signature no longer matches.
        let serial = try certificate("revoked").serialNumber.bytes
        let serialOffset = try XCTUnwrap(firstRange(of: Array(serial), in: der))
        der[serialOffset + serial.count - 1] ^= 0xFF
        let tampered = try CertificateRevocationList(derEncoded: der)
        let result = try await validate("revoked", crls: [tampered])
        XCTAssertEqual(result.verdict, .valid)
        XCTAssertTrue(result.notes.contains("revocation: CRL naming CN=CertMap Demo Issuing CA ignored: its signature does not verify with that CA's key"))
    }

    func testPresentedIntermediateCompletesAChainWhenTheBundleHoldsOnlyTheRoot() async throws {
        let rootOnly = TrustStore(anchors: trust.anchors)
        let validator = ChainValidator(trust: rootOnly, crls: [crl], revokedSerials: [])
        let result = await validator.validate(
            leaf: try certificate("carol"), presentedIntermediates: [try certificate("intermediate-ca")], at: now
        )
        XCTAssertEqual(result.verdict, .valid, result.notes.joined(separator: "\n"))
        let missing = await validator.validate(leaf: try certificate("carol"), presentedIntermediates: [], at: now)
        XCTAssertEqual(missing.verdict, .untrusted)
        XCTAssertTrue(missing.notes.contains(
            "no chain to a trusted root: issuer CN=CertMap Demo Issuing CA of CN=carol is not in the CA bundle"
        ), missing.notes.joined(separator: "\n"))
    }

    func testValidationSurvivesAJSONRoundTrip() async throws {
        let result = try await validate("revoked")
        let decoded = try JSONDecoder().decode(ChainValidation.self, from: JSONEncoder().encode(result))
        XCTAssertEqual(decoded, result)
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
