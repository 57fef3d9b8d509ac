@_spi(DisableValidityCheck) import X509
import CertMapCore
import Crypto
import Foundation
import SwiftASN1
import XCTest

/// The two policies also work inside swift-certificates' own `Verifier`, not only through
/// `ChainValidator`.
final class VerifierPoliciesTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var pki: URL { temporary.url.appendingPathComponent("pki") }
    private let now = Date()

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-policies")
        try DemoPKI.initialize(in: pki, now: now)
    }

    override func tearDown() {
        temporary.remove()
    }

    private func certificate(_ name: String) throws -> Certificate {
        // Server and proxy files hold the leaf then its intermediate; the leaf is the first.
        try Certificate(pemDocument: PEMDocument.parseMultiple(pemString: String(contentsOf: pki.appendingPathComponent("\(name).crt"), encoding: .utf8))[0])
    }

    func testRevocationPolicyInsideAVerifierRejectsTheRevokedUserAndAcceptsAlice() async throws {
        let trust = try TrustStore.load(bundleAt: pki.appendingPathComponent("ca-bundle.pem"))
        let crl = try CertificateRevocationList(pemEncoded: String(contentsOf: pki.appendingPathComponent("crl.pem"), encoding: .utf8))
        let policy = RevocationPolicy(crls: [crl], knownIssuers: trust.allCertificates, validationTime: now)
        var verifier = Verifier(rootCertificates: trust.rootStore) {
            RFC5280Policy.withValidityCheckDisabled()
            policy
        }
        let intermediates = CertificateStore(trust.intermediates)
        guard case .couldNotValidate(let failures) = await verifier.validate(leaf: try certificate("revoked"), intermediates: intermediates)
        else { return XCTFail("revoked user validated") }
        XCTAssertTrue(failures.first?.policyFailureReason.description.contains("(keyCompromise)") ?? false)
        guard case .validCertificate = await verifier.validate(leaf: try certificate("alice"), intermediates: intermediates)
        else { return XCTFail("alice rejected") }
    }

    func testLeafWithoutAnyEKUExtensionIsAllowedForClientAuthentication() async throws {
        let issuer = try CertificateIssuer.load(
            certificateAt: pki.appendingPathComponent("intermediate-ca.crt"),
            keyAt: pki.appendingPathComponent("intermediate-ca.key")
        )
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let profile = LeafCertificateProfile(
            subject: try SubjectParser.parse("/O=Contoso/CN=no-eku"), extendedKeyUsages: [],
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(3600)
        )
        let leaf = try issuer.issueLeaf(profile, publicKey: key.publicKey)
        XCTAssertNil(try leaf.extensions.extendedKeyUsage)
        let trust = try TrustStore.load(bundleAt: pki.appendingPathComponent("ca-bundle.pem"))
        let result = await ChainValidator(trust: trust, crls: [], revokedSerials: [])
            .validate(leaf: leaf, presentedIntermediates: [], at: now)
        XCTAssertEqual(result.verdict, .valid, result.notes.joined(separator: "\n"))
    }
}
