import XCTest

@testable import CertMapCore

/// Per-path client-certificate policy (IIS SSL settings) and who may use each path.
final class ResourcePolicyTests: XCTestCase {
    private typealias F = DecisionFixtures

    private let resources = [
        Resource(pathPrefix: "/", clientCertificate: .require),
        Resource(pathPrefix: "/admin", clientCertificate: .require, allowGroups: ["admins"]),
        Resource(pathPrefix: "/admin/reports", clientCertificate: .require, allowAccounts: ["sales"]),
        Resource(pathPrefix: "/portal", clientCertificate: .accept, allowAnonymous: true),
        Resource(pathPrefix: "/public", clientCertificate: .ignore, allowAnonymous: true),
    ]

    private func engine(oneToOne: [OneToOneMapping] = []) -> DecisionEngine {
        F.engine(
            oneToOne: oneToOne,
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])],
            resources: resources
        )
    }

    func testLongestMatchingPrefixGoverns() {
        let policy = AccessPolicy(accounts: [], resources: resources)
        XCTAssertEqual(policy.resource(for: "/admin/reports/q1").pathPrefix, "/admin/reports")
        XCTAssertEqual(policy.resource(for: "/admin/users").pathPrefix, "/admin")
        XCTAssertEqual(policy.resource(for: "/admin").pathPrefix, "/admin")
        XCTAssertEqual(policy.resource(for: "/elsewhere").pathPrefix, "/")
    }

    func testPrefixCoversWholePathSegmentsOnly() {
        let policy = AccessPolicy(accounts: [], resources: resources)
        XCTAssertEqual(policy.resource(for: "/administrator").pathPrefix, "/")
        XCTAssertEqual(policy.resource(for: "/admin-tools/x").pathPrefix, "/")
        XCTAssertFalse(Resource(pathPrefix: "/admin").covers("/administrator"))
        XCTAssertTrue(Resource(pathPrefix: "/admin").covers("/admin/"))
        XCTAssertTrue(Resource(pathPrefix: "/admin/").covers("/admin/x"))
    }

    func testQueryStringIsIgnoredWhenMatchingPaths() {
        let policy = AccessPolicy(accounts: [], resources: resources)
        XCTAssertEqual(policy.resource(for: "/admin?next=/public").pathPrefix, "/admin")
        XCTAssertEqual(policy.resource(for: "/public?user=/admin").pathPrefix, "/public")
        XCTAssertEqual(policy.resource(for: "/administrator?x=/admin/y").pathPrefix, "/")
    }

    func testNoConfiguredResourcesMeansCertificateRequiredEverywhere() throws {
        let engine = F.engine(resources: [])
        XCTAssertEqual(engine.policy.resource(for: "/anything"), Resource.implicitRoot)
        XCTAssertEqual(engine.decide(nil, path: "/anything").statusText, "403.7")
    }

    func testSalesMayUseTheReportsFolderButNotTheRestOfAdmin() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let reports = engine().decide(bob, path: "/admin/reports/q1?format=csv")
        XCTAssertEqual(reports.reason, .allowed)
        XCTAssertEqual(reports.account, "sales")
        XCTAssertEqual(reports.trace.steps(in: .authorize).last?.summary, "/admin/reports allows account sales")
        XCTAssertEqual(engine().decide(bob, path: "/admin/users").statusText, "401.3")
        XCTAssertEqual(engine().decide(bob, path: "/administrator").reason, .allowed)
    }

    func testGroupMembershipAdmitsToAGroupOnlyResource() throws {
        let alice = try TestCertificates.person("alice")
        let decision = engine(oneToOne: [F.oneToOne("alice laptop", alice, account: "alice")]).decide(alice, path: "/admin")
        XCTAssertEqual(decision.reason, .allowed)
        XCTAssertEqual(decision.account, "alice")
        XCTAssertEqual(decision.trace.steps(in: .authorize).last?.summary, "/admin allows group admins, and alice is a member")
    }

    func testIgnorePolicyNeverLooksAtTheCertificate() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let decision = engine().decide(bob, path: "/public/logo.png", check: CertificateCheck(verdict: .revoked, notes: []))
        XCTAssertEqual(decision.reason, .anonymous)
        XCTAssertNil(decision.account)
        XCTAssertEqual(decision.trace.steps(in: .validate), [])
        XCTAssertEqual(decision.trace.steps(in: .map), [])
        XCTAssertEqual(
            decision.trace.steps.map(\.summary),
            [
                "/public/logo.png is governed by /public (client certificate: ignore)",
                "client certificates are ignored here; /public allows anonymous requests",
                "200 — no account; the resource allows anonymous requests",
            ]
        )
    }

    func testAcceptPolicyMapsAPresentedCertificate() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let decision = engine().decide(bob, path: "/portal")
        XCTAssertEqual(decision.reason, .allowed)
        XCTAssertEqual(decision.account, "sales")
    }

    func testAcceptPolicyLetsRequestsWithoutACertificateInAnonymously() {
        let decision = engine().decide(nil, path: "/portal/start")
        XCTAssertEqual(decision.reason, .anonymous)
        XCTAssertEqual(decision.trace.steps(in: .authorize).map(\.summary), ["no client certificate was presented; /portal allows anonymous requests"])
    }

    func testAcceptPolicyTreatsAnUnmappedCertificateAsAnonymous() throws {
        let erin = try TestCertificates.person("erin", units: ["Engineering"])
        let decision = engine().decide(erin, path: "/portal")
        XCTAssertEqual(decision.reason, .anonymous)
        XCTAssertNil(decision.account)
        XCTAssertEqual(decision.trace.steps(in: .authorize).map(\.summary), ["/portal accepts unmapped certificates as anonymous"])
    }

    func testAcceptPolicyStillRejectsAnInvalidCertificate() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let decision = engine().decide(bob, path: "/portal", check: CertificateCheck(verdict: .expired, notes: []))
        XCTAssertEqual(decision.statusText, "403.17")
    }

    func testRequirePolicyRejectsAMissingCertificate() {
        XCTAssertEqual(engine().decide(nil, path: "/admin/reports").reason, .certificateRequired)
    }
}
