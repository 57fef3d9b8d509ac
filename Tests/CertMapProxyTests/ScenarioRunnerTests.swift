import CertMapCore
import CertMapJournal
import CertMapProxy
import Foundation
import XCTest

/// The built-in scenarios against the real server and proxies, asserted from the clients'
/// outcomes and from the server's events.
final class ScenarioRunnerTests: XCTestCase {
    private func runner(_ harness: ProxyHarness, loadUsers: LoadUsers? = nil) -> ScenarioRunner {
        let endpoints = ClientEndpoints(server: harness.server.boundAddress, forwardProxy: harness.proxies.forwardAddress, reverseProxy: harness.proxies.reverseAddress, caBundle: harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        let service = harness.server.service
        let home = harness.home
        return ScenarioRunner(client: SyntheticClient(endpoints: endpoints, group: harness.group), pki: harness.home.pkiDirectory, loadUsers: loadUsers) { identity in
            guard let file = identity.certificate, let leaf = try? CertificateLoader.certificates(at: file).first else { return nil }
            let snapshot = service.configuration.current
            guard let validator = try? TrustConfiguration.validator(for: snapshot.document.trust, home: home) else { return nil }
            let check = await validator.check(leaf, presentedChain: [], at: Date())
            return snapshot.engine.decide(AuthenticationRequest(path: "/", certificate: leaf, check: check)).account
        }
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
        XCTAssertEqual(report.requests, 8, "two clients × four formats")
        XCTAssertEqual(report.forgedAccepted, 0)
        XCTAssertEqual(report.misattributions, [])
        let spoofs = harness.events.recent().filter { if case .security(let event) = $0.kind { event.category == .spoof } else { false } }
        XCTAssertEqual(spoofs.count, 8, "one spoof event per forged request")
    }

    func testExpiredAndRevokedAreRefusedOnEveryRoute() async throws {
        let harness = try await ProxyHarness.start(self)
        let report = try await runner(harness).run(BuiltinScenarios.expiredAndRevoked, mode: "per-request")
        XCTAssertEqual(report.byDecision, ["403.13": 3, "403.16": 3, "403.17": 6])
        XCTAssertEqual(report.byRoute, ["direct": 4, "forward": 4, "reverse": 4])
    }

    func testARatePacesWhenPlansStart() async throws {
        let harness = try await ProxyHarness.start(self)
        var scenario = BuiltinScenarios.q190009
        scenario.ratePerSecond = 10
        let report = try await runner(harness).run(scenario, mode: "per-request")
        XCTAssertEqual(report.requests, 10)
        // The second plan (requests 6-10) may start only after its first five requests' share: 0.5 s.
        XCTAssertGreaterThanOrEqual(report.elapsedSeconds, 0.45)
    }

    func testBoundsStopARunEarly() async throws {
        let harness = try await ProxyHarness.start(self)
        var scenario = BuiltinScenarios.q190009
        scenario.maxRequests = 3
        let report = try await runner(harness).run(scenario, mode: "per-request")
        XCTAssertEqual(report.requests, 3)
        XCTAssertTrue(report.truncated)
    }

    func testScenarioFilesAreCheckedWithFileAndField() throws {
        let home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-scenarios-\(UUID().uuidString)"))
        addTeardownBlock { try? FileManager.default.removeItem(at: home.url) }
        let catalog = ScenarioCatalog(home: home)
        try FileManager.default.createDirectory(at: catalog.directory, withIntermediateDirectories: true)
        var custom = BuiltinScenarios.q190009
        custom.name = "mine"
        custom.concurrency = 0
        try JSONEncoder().encode(custom).write(to: catalog.directory.appendingPathComponent("mine.json"))
        try Data(#"{"name": "broken"}"#.utf8).write(to: catalog.directory.appendingPathComponent("broken.json"))
        let (scenarios, problems) = catalog.all()
        XCTAssertEqual(scenarios.map(\.name), BuiltinScenarios.all.map(\.name))
        XCTAssertEqual(problems.count, 2)
        XCTAssertTrue(problems.contains { $0.contains("broken.json: summary: missing") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("mine.json: concurrency: must be between 1 and 256") }, "\(problems)")
    }
}
