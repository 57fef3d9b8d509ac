import XCTest

@testable import CertMapCore

/// Every reason the engine can give, reached through the engine, with the status and IIS
/// substatus IIS sends for the same situation.
final class DecisionReasonTests: XCTestCase {
    private typealias F = DecisionFixtures

    private var bob: CertificateIdentity!
    private var engine: DecisionEngine!

    override func setUpWithError() throws {
        bob = try TestCertificates.person("bob", units: ["Sales"])
        engine = F.engine(
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])],
            resources: [
                Resource(pathPrefix: "/", clientCertificate: .require),
                Resource(pathPrefix: "/admin", clientCertificate: .require, allowGroups: ["admins"]),
                Resource(pathPrefix: "/portal", clientCertificate: .accept),
                Resource(pathPrefix: "/public", clientCertificate: .ignore, allowAnonymous: true),
                Resource(pathPrefix: "/internal", clientCertificate: .ignore),
            ]
        )
    }

    private func assertOutcome(
        _ decision: Decision,
        _ reason: DecisionReason,
        _ statusText: String,
        account: String? = nil,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(decision.reason, reason, file: file, line: line)
        XCTAssertEqual(decision.statusText, statusText, file: file, line: line)
        XCTAssertEqual(decision.account, account, file: file, line: line)
        XCTAssertEqual(decision.generation, 7, file: file, line: line)
        let respond = decision.trace.steps.last
        XCTAssertEqual(respond?.stage, .respond, file: file, line: line)
        let who = account.map { " as \($0)" } ?? ""
        XCTAssertEqual(respond?.summary, "\(statusText)\(who) — \(reason.summary)", file: file, line: line)
        XCTAssertEqual(respond?.outcome, decision.isAllowed ? .passed : .failed, file: file, line: line)
    }

    func testMappedAccountAllowedOnTheResourceGives200() {
        let decision = engine.decide(bob)
        assertOutcome(decision, .allowed, "200", account: "sales")
        XCTAssertEqual(decision.status, 200)
        XCTAssertNil(decision.substatus)
        XCTAssertTrue(decision.isAllowed)
        XCTAssertEqual(decision.mapping, #"many-to-one "Contoso sales""#)
    }

    func testNoCertificateWhereOneIsRequiredGives403Point7() {
        let decision = engine.decide(nil)
        assertOutcome(decision, .certificateRequired, "403.7")
        XCTAssertEqual(decision.status, 403)
        XCTAssertEqual(decision.substatus, 7)
        XCTAssertEqual(
            decision.trace.steps(in: .validate).map(\.summary),
            ["no client certificate was presented and / requires one"]
        )
    }

    func testUntrustedCertificateGives403Point16AndIsNotMapped() {
        let decision = engine.decide(bob, check: CertificateCheck(verdict: .untrusted, notes: ["issuer CN=Evil CA is not a trusted anchor"]))
        assertOutcome(decision, .untrustedCertificate, "403.16")
        let validate = decision.trace.steps(in: .validate)
        XCTAssertEqual(validate.map(\.summary), ["CN=bob,OU=Sales,O=Contoso,C=US: \(DecisionReason.untrustedCertificate.summary)"])
        XCTAssertEqual(validate.first?.outcome, .failed)
        XCTAssertEqual(validate.first?.details, [TraceDetail(.info, "issuer CN=Evil CA is not a trusted anchor")])
        XCTAssertEqual(decision.trace.steps(in: .map), [])
    }

    func testMissingValidationVerdictIsTreatedAsUntrusted() {
        let decision = engine.decide(AuthenticationRequest(path: "/", certificate: bob, check: nil))
        assertOutcome(decision, .untrustedCertificate, "403.16")
        XCTAssertEqual(decision.trace.steps(in: .validate).first?.details, [TraceDetail(.info, "the certificate was not validated")])
    }

    func testExpiredCertificateGives403Point17() {
        let decision = engine.decide(bob, check: CertificateCheck(verdict: .expired, notes: ["notAfter 2024-01-01 is in the past"]))
        assertOutcome(decision, .certificateExpired, "403.17")
        XCTAssertEqual(decision.trace.steps(in: .validate).first?.summary, "CN=bob,OU=Sales,O=Contoso,C=US: certificate has expired")
    }

    func testNotYetValidCertificateGives403Point17() {
        let decision = engine.decide(bob, check: CertificateCheck(verdict: .notYetValid, notes: []))
        assertOutcome(decision, .certificateNotYetValid, "403.17")
        XCTAssertEqual(decision.trace.steps(in: .validate).first?.summary, "CN=bob,OU=Sales,O=Contoso,C=US: certificate is not valid yet")
    }

    func testRevokedCertificateGives403Point13() {
        let decision = engine.decide(bob, check: CertificateCheck(verdict: .revoked, notes: ["serial 0A on pki/crl.pem"]))
        assertOutcome(decision, .certificateRevoked, "403.13")
        XCTAssertEqual(decision.trace.steps(in: .map), [])
    }

    func testValidCertificateThatNoMappingMatchesGives401Point2() throws {
        let erin = try TestCertificates.person("erin", units: ["Engineering"])
        let decision = engine.decide(erin)
        assertOutcome(decision, .notMapped, "401.2")
        XCTAssertNil(decision.mapping)
    }

    func testNoCertificateWhereAnonymousIsNotAllowedGives401Point2() {
        let decision = engine.decide(nil, path: "/portal/home")
        assertOutcome(decision, .anonymousNotAllowed, "401.2")
        XCTAssertEqual(
            decision.trace.steps(in: .authorize).map(\.summary),
            ["no client certificate was presented and /portal does not allow anonymous requests"]
        )
    }

    func testIgnoredCertificateWhereAnonymousIsNotAllowedGives401Point2() {
        let decision = engine.decide(bob, path: "/internal")
        assertOutcome(decision, .anonymousNotAllowed, "401.2")
        XCTAssertEqual(
            decision.trace.steps(in: .authorize).map(\.summary),
            ["client certificates are ignored here and /internal does not allow anonymous requests"]
        )
    }

    func testDenyMappingGives403Point12() throws {
        let dave = try TestCertificates.person("dave", units: ["Contractors"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Contractors", permission: .deny, account: nil, rules: [F.rule(.organizationalUnit, "Contractors")])
        ])
        assertOutcome(engine.decide(dave), .deniedByMapping, "403.12")
    }

    func testDisabledAccountGives401Point1() throws {
        let engine = F.engine(manyToOne: [ManyToOneMapping(name: "old", account: "retired", rules: [F.rule(.commonName, "bob")])])
        let decision = engine.decide(bob)
        assertOutcome(decision, .accountDisabled, "401.1")
        XCTAssertEqual(decision.mapping, #"many-to-one "old""#)
        XCTAssertEqual(decision.trace.steps(in: .authorize).last?.summary, "account retired is disabled")
    }

    func testUnknownAccountGives401Point1() throws {
        let engine = F.engine(oneToOne: [F.oneToOne("ghost", bob, account: "ghost")])
        let decision = engine.decide(bob)
        assertOutcome(decision, .accountUnknown, "401.1")
        XCTAssertEqual(decision.trace.steps(in: .authorize).last?.summary, "account ghost does not exist")
    }

    func testAccountNotAllowedOnTheResourceGives401Point3() {
        let decision = engine.decide(bob, path: "/admin/users")
        assertOutcome(decision, .resourceNotAllowed, "401.3")
        XCTAssertEqual(decision.mapping, #"many-to-one "Contoso sales""#)
        XCTAssertEqual(decision.trace.steps(in: .authorize).last?.summary, "/admin allows only group admins; sales has groups sales")
    }

    func testAnonymousRequestsAreAllowedWhereTheResourceSaysSo() {
        assertOutcome(engine.decide(nil, path: "/public/logo.png"), .anonymous, "200")
    }

    func testACACertificateGets403Point16BeforeAnyMappingEvenWhenAMappingWouldMatch() throws {
        let authority = try CertificateIdentity(
            certificate: TestCertificates.certificate(subject: TestCertificates.issuerName, isCertificateAuthority: true)
        )
        let matchAll = F.engine(manyToOne: [ManyToOneMapping(name: "Contoso", account: "sales", rules: [F.rule(.organization, "Contoso")])])
        let decision = matchAll.decide(authority)
        assertOutcome(decision, .certificateIsAuthority, "403.16")
        XCTAssertNil(decision.mapping)
        XCTAssertTrue(decision.trace.steps(in: .map).isEmpty, "\(decision.trace.steps)")
    }

    func testEveryReasonHasTheIISStatusAndSubstatus() {
        let expected: [DecisionReason: String] = [
            .allowed: "200", .anonymous: "200", .certificateRequired: "403.7", .untrustedCertificate: "403.16", .certificateIsAuthority: "403.16",
            .certificateExpired: "403.17", .certificateNotYetValid: "403.17", .certificateRevoked: "403.13", .revocationUnknown: "403.13",
            .notMapped: "401.2", .anonymousNotAllowed: "401.2", .deniedByMapping: "403.12", .accountDisabled: "401.1",
            .accountUnknown: "401.1", .resourceNotAllowed: "401.3", .legacyResetWithoutRemap: "401.2",
        ]
        XCTAssertEqual(Set(expected.keys), Set(DecisionReason.allCases))
        for reason in DecisionReason.allCases {
            XCTAssertEqual(reason.statusText, expected[reason], "\(reason)")
            XCTAssertEqual(reason.statusText, reason.substatus.map { "\(reason.status).\($0)" } ?? "\(reason.status)")
        }
    }

    func testDecisionsRoundTripThroughJSONForTheJournal() throws {
        let decision = engine.decide(bob, path: "/admin")
        let decoded = try JSONDecoder().decode(Decision.self, from: JSONEncoder().encode(decision))
        XCTAssertEqual(decoded, decision)
    }
}
