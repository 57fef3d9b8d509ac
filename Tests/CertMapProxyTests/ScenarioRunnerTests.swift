import CertMapCore
import CertMapJournal
import CertMapProxy
import Foundation
import XCTest

/// The built-in scenarios against the real server and proxies, asserted from the clients'
/// outcomes and from the server's events.
final class ScenarioRunnerTests: XCTestCase {
    private func runner(_ harness: ProxyHarness, loadUsers: LoadUsers? = nil) -> ScenarioRunner {
        ScenarioRunner(
            client: harness.client(), pki: harness.home.pkiDirectory, loadUsers: loadUsers,
            expected: ExpectedAccounts(configuration: harness.server.service.configuration, home: harness.home))
    }

    private func systemMessages(_ harness: ProxyHarness) -> [String] {
        harness.events.recent().compactMap { if case .system(let event) = $0.kind { event.message } else { nil } }
    }

    func testQ190009InLegacyModeFailsEveryRequestAfterTheFirstOnEachTunnel() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        let report = try await runner(harness).run(BuiltinScenarios.q190009, mode: "legacy-iis4")
        XCTAssertEqual(report.byDecision, ["200": 2, "401.2": 8])
        let records = harness.requestRecords()
        for connection in Set(records.map(\.connection)) {
            let statuses = records.filter { $0.connection == connection }.sorted { $0.request < $1.request }.map(\.decision.statusText)
            XCTAssertEqual(statuses, ["200", "401.2", "401.2", "401.2", "401.2"], "connection \(connection)")
        }
        XCTAssertEqual(Set(records.map(\.route)), ["forward"])
    }

    func testQ190009InPerRequestModeServesEverything() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest)
        let report = try await runner(harness).run(BuiltinScenarios.q190009, mode: "per-request")
        XCTAssertEqual(report.byDecision, ["200": 10])
        XCTAssertFalse(report.failed)
        XCTAssertEqual(Set(harness.requestRecords().map { $0.decision.account }), ["alice"])
    }

    func testPooledProxyLeaksIdentitiesPerConnectionAndNeverPerRequest() async throws {
        for (mode, leaks) in [(AuthPersistencePreset.perConnection, true), (.perRequest, false)] {
            let harness = try await ProxyHarness.start(self, mode: mode, poolSize: 1, reuse: .always)
            let users = try LoadUsers.prepare(count: 24, home: harness.home)
            try harness.server.service.apply(try users.mapped(into: harness.server.service.configuration.current.document))
            let report = try await runner(harness, loadUsers: users).run(BuiltinScenarios.pooledProxy, mode: mode.rawValue)
            XCTAssertEqual(report.requests, 100)
            XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 1, "everyone shared one upstream connection")
            if leaks {
                XCTAssertGreaterThan(report.misattributions.count, 20, "the leak is shown, not hidden")
                XCTAssertTrue(report.failed)
                XCTAssertTrue(report.text.contains("was answered as"), report.text)
            } else {
                XCTAssertEqual(report.misattributions, [], "\(report.text)")
                XCTAssertEqual(report.byDecision, ["200": 100])
            }
        }
    }

    func testFiftyInterleavedIdentitiesNeverSeeEachOthersAccount() async throws {
        for poolSize in [1, 4] {
            let harness = try await ProxyHarness.start(self, mode: .perRequest, poolSize: poolSize, reuse: .always)
            let users = try LoadUsers.prepare(count: 50, home: harness.home)
            try harness.server.service.apply(try users.mapped(into: harness.server.service.configuration.current.document))
            var scenario = BuiltinScenarios.isolation
            scenario.maxRequests = 1_500
            let report = try await runner(harness, loadUsers: users).run(scenario, mode: "per-request")
            XCTAssertEqual(report.requests, 1_500, "pool \(poolSize)")
            XCTAssertEqual(report.misattributions, [], "pool \(poolSize): \(report.text)")
            XCTAssertEqual(report.byDecision["200"], 1_500, "pool \(poolSize): \(report.byDecision)")
            let upstream = Set(harness.requestRecords().filter { $0.route == "reverse" }.map(\.connection)).count
            XCTAssertLessThanOrEqual(upstream, poolSize, "the reverse proxy used at most its pool")
            XCTAssertEqual(Set(harness.requestRecords().map(\.route)), ["reverse", "forward"], "both proxies, interleaved")
        }
    }

    func testHeaderSpoofingAcceptsNoForgedIdentity() async throws {
        let harness = try await ProxyHarness.start(self)
        let report = try await runner(harness).run(BuiltinScenarios.headerSpoofing, mode: "per-request")
        XCTAssertEqual(report.requests, 36, "three clients × four formats × three routes")
        XCTAssertEqual(report.byRoute, ["direct": 12, "forward": 12, "reverse": 12])
        XCTAssertEqual(report.forgedAccepted, 0)
        XCTAssertEqual(report.misattributions, [])
        let spoofs = harness.events.recent().filter { if case .security(let event) = $0.kind { event.category == .spoof } else { false } }
        XCTAssertEqual(spoofs.count, 36, "one spoof event per forged request, from the server or the reverse proxy that removed it")
    }

    func testExpiredAndRevokedAreRefusedOnEveryRoute() async throws {
        let harness = try await ProxyHarness.start(self)
        let report = try await runner(harness).run(BuiltinScenarios.expiredAndRevoked, mode: "per-request")
        XCTAssertEqual(report.byDecision, ["403.13": 3, "403.16": 3, "403.17": 6])
        XCTAssertEqual(report.byRoute, ["direct": 4, "forward": 4, "reverse": 4])
    }

    func testStartAndFinishAreSystemEvents() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        _ = try await runner(harness).run(BuiltinScenarios.q190009, mode: "legacy-iis4", events: harness.events)
        let messages = systemMessages(harness).filter { $0.hasPrefix("scenario q190009") }
        XCTAssertEqual(messages.count, 2, "\(messages)")
        XCTAssertEqual(messages.first, "scenario q190009 started under legacy-iis4: 10 request(s) on 2 connection(s)")
        XCTAssertTrue(messages.last?.hasPrefix("scenario q190009 finished under legacy-iis4 in ") ?? false, "\(messages)")
        XCTAssertTrue(messages.last?.hasSuffix("10 request(s) (200 ×2, 401.2 ×8); 0 misattributed") ?? false, "\(messages)")
    }

    func testAPausedRunSendsNothingUntilResumedAndThenFinishes() async throws {
        let harness = try await ProxyHarness.start(self)
        let control = ScenarioControl()
        await control.setPaused(true)
        let runner = runner(harness)
        let run = Task { try await runner.run(BuiltinScenarios.q190009, mode: "per-request", control: control) }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(harness.requestRecords().count, 0, "paused before the first request")
        await control.setPaused(false)
        let report = try await run.value
        XCTAssertEqual(report.requests, 10)
        XCTAssertFalse(report.stopped)
        let progress = await control.progress
        XCTAssertEqual(progress?.done, 10)
        XCTAssertEqual(progress?.planned, 10)
        XCTAssertEqual(progress?.line, "q190009: 10/10 requests")
    }

    func testAStoppedRunReturnsWhatItSentMarkedStopped() async throws {
        let harness = try await ProxyHarness.start(self)
        let control = ScenarioControl()
        await control.setPaused(true)
        let runner = runner(harness)
        let run = Task { try await runner.run(BuiltinScenarios.q190009, mode: "per-request", control: control, events: harness.events) }
        try await Task.sleep(for: .milliseconds(100))
        await control.stop()
        let report = try await run.value
        XCTAssertEqual(report.requests, 0)
        XCTAssertTrue(report.stopped)
        XCTAssertEqual(harness.requestRecords().count, 0)
        XCTAssertTrue(systemMessages(harness).contains { $0.hasPrefix("scenario q190009 stopped under per-request") }, "\(systemMessages(harness))")
    }

    func testARatedRunSendsEveryRequestOnTheSameConnections() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        var scenario = BuiltinScenarios.q190009
        scenario.ratePerSecond = 50
        scenario.concurrency = 2
        let report = try await runner(harness).run(scenario, mode: "legacy-iis4")
        XCTAssertEqual(report.byDecision, ["200": 2, "401.2": 8], "pacing between requests keeps each tunnel's requests on it")
        XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 2)
    }

    func testAnIdentityWithoutACertificateIsRefusedBeforeAnythingIsSent() async throws {
        let harness = try await ProxyHarness.start(self)
        var scenario = BuiltinScenarios.q190009
        scenario.groups[0].identities = ["zoe"]
        do {
            _ = try await runner(harness).run(scenario, mode: "per-request")
            XCTFail("zoe has no certificate")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("scenario q190009: groups[0].identities: no certificate and key for \"zoe\""), "\(error)")
        }
        XCTAssertEqual(harness.requestRecords().count, 0)
    }

    func testBoundsStopARunEarly() async throws {
        let harness = try await ProxyHarness.start(self)
        var scenario = BuiltinScenarios.q190009
        scenario.maxRequests = 3
        let report = try await runner(harness).run(scenario, mode: "per-request")
        XCTAssertEqual(report.requests, 3)
        XCTAssertTrue(report.truncated)
    }

    func testAskingForMoreRequestsThanThePlanHoldsRunsTheRoundsThatMakeThemUp() async throws {
        let harness = try await ProxyHarness.start(self)
        var scenario = BuiltinScenarios.q190009
        let once = try await runner(harness).run(scenario, mode: "per-request")
        let perRound = once.requests
        scenario.maxRequests = perRound * 2 + 1
        scenario.repeatsPlan = true
        let report = try await runner(harness).run(scenario, mode: "per-request")
        XCTAssertEqual(report.requests, perRound * 2 + 1)
        XCTAssertEqual(report.plan, ScenarioReport.Plan(requestsPerRound: perRound, rounds: 3, planned: perRound * 2 + 1, bound: perRound * 2 + 1))
        XCTAssertTrue(report.text.contains("planned \(perRound * 2 + 1) request(s): 3 rounds of the scenario's \(perRound)-request plan"), report.text)
    }
}
