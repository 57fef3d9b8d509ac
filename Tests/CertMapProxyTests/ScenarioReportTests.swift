@testable import CertMapProxy
import XCTest

/// Report aggregation is pure: outcomes in, counts and verdict out.
final class ScenarioReportTests: XCTestCase {
    private func outcome(_ decision: String?, _ account: String?, error: String? = nil, path: String = "/", trace: String = "t-1") -> RequestOutcome {
        RequestOutcome(request: PlannedRequest(path: path), status: decision.flatMap { Int($0.prefix(3)) }, decision: decision, account: account, traceID: error == nil ? trace : nil, error: error)
    }

    func testCountsPerDecisionAndRouteWithErrorsApart() {
        var report = ScenarioReport(scenario: "s", mode: "per-request")
        report.record(outcome("200", "alice"), identity: "alice", route: .forward, expected: "alice", forged: false)
        report.record(outcome("401.2", nil), identity: "alice", route: .forward, expected: "alice", forged: false)
        report.record(outcome("401.2", nil), identity: "alice", route: .forward, expected: "alice", forged: false)
        report.record(outcome(nil, nil, error: "no response within 10 s"), identity: "bob", route: .reverse, expected: "sales", forged: false)
        XCTAssertEqual(report.requests, 4)
        XCTAssertEqual(report.byDecision, ["200": 1, "401.2": 2, "error": 1])
        XCTAssertEqual(report.byRoute, ["forward": 3, "reverse": 1])
        XCTAssertEqual(report.errorMessages, ["no response within 10 s": 1])
        XCTAssertNil(report.verdict, "401s and errors are not misattribution")
        XCTAssertTrue(report.text.contains("1 × no response within 10 s"), report.text)
    }

    func testAnAnswerAsSomeoneElseIsAMisattributionWithWhoAndTrace() {
        var report = ScenarioReport(scenario: "pooled-proxy", mode: "per-connection")
        report.record(outcome("200", "load-02", path: "/reports", trace: "t-9"), identity: "load-07", route: .reverse, expected: "load-07", forged: false)
        report.record(outcome("200", "alice", trace: "t-a"), identity: "erin", route: .reverse, expected: nil, forged: false)
        XCTAssertEqual(report.misattributions, [
            .init(identity: "load-07", expected: "load-07", got: "load-02", route: "reverse", path: "/reports", traceID: "t-9"),
            .init(identity: "erin", expected: nil, got: "alice", route: "reverse", path: "/", traceID: "t-a"),
        ])
        XCTAssertEqual(report.verdict, "2 request(s) were answered with another user's identity")
        XCTAssertTrue(report.text.contains("load-07 (reverse /reports) was answered as load-02, expected load-07 [trace t-9]"), report.text)
        XCTAssertTrue(report.text.contains("erin (reverse /) was answered as alice, expected no account [trace t-a]"), report.text)
    }

    func testAForgedIdentityAcceptedIsItsOwnVerdict() {
        var report = ScenarioReport(scenario: "header-spoofing", mode: "per-request")
        report.record(outcome("200", "alice"), identity: "none", route: .direct, expected: nil, forged: true)
        report.record(outcome("200", "carol"), identity: "bob", route: .direct, expected: "sales", forged: false)
        report.record(outcome("403.7", nil), identity: "none", route: .direct, expected: nil, forged: true)
        XCTAssertEqual(report.forgedAccepted, 1)
        XCTAssertEqual(report.verdict, "1 forged identity was accepted from forwarded-certificate headers of an untrusted client; 1 request(s) were answered with another user's identity")
        XCTAssertTrue(report.failed)
    }

    func testDistinctErrorMessagesAreBounded() {
        var report = ScenarioReport(scenario: "s", mode: "m")
        for index in 0..<50 { report.record(outcome(nil, nil, error: "error \(index)"), identity: "a", route: .direct, expected: nil, forged: false) }
        report.record(outcome(nil, nil, error: "error 0"), identity: "a", route: .direct, expected: nil, forged: false)
        XCTAssertEqual(report.errors, 51)
        XCTAssertEqual(report.errorMessages.count, ScenarioReport.maxErrorKinds)
        XCTAssertEqual(report.errorMessages["error 0"], 2)
    }

    func testRequestBudgetCutsPlansInOrder() {
        let plan = { (paths: [String]) in ScenarioRunner.Step(plan: ConnectionPlan(identity: .none, route: .direct, requests: paths.map { PlannedRequest(path: $0) }), forged: false) }
        let limited = ScenarioRunner.limit([plan(["/1", "/2", "/3"]), plan(["/4", "/5"]), plan(["/6"])], toRequests: 4)
        XCTAssertEqual(limited.map { $0.plan.requests.map(\.path) }, [["/1", "/2", "/3"], ["/4"]])
    }
}
