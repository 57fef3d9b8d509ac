import CertMapCore
import CertMapJournal
import CertMapServer
import XCTest

/// KB Q190009 and its cousins, reproduced with real curl over one kept-alive connection.
final class AuthPersistenceModeTests: XCTestCase {
    private let proxyHeader = "Via: 1.1 squid-test"

    func testLegacyModeFailsSecondRequestOnProxiedConnection() async throws {
        let harness = try await ServerHarness.start(self, mode: .legacyIIS4)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/img/1.png", "/img/2.png"], headers: [proxyHeader])
        XCTAssertEqual(results.map(\.code), [200, 401, 401])
        XCTAssertEqual(results.map(\.decision), ["200", "401.2", "401.2"])
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.decision.reason), [.allowed, .legacyResetWithoutRemap, .legacyResetWithoutRemap])
        XCTAssertEqual(Set(records.map(\.connection)).count, 1)
        XCTAssertTrue(records.allSatisfy { $0.proxied && $0.mode == "legacy-iis4" })
        XCTAssertEqual(Set(records.map(\.route)), ["proxied"], "only a Via header says a proxy was involved")
        let resetAfterFirst = harness.authSteps().first { $0.request == 1 && $0.step.stage == .reset && $0.step.summary.contains("reset after request 1") }
        XCTAssertNotNil(resetAfterFirst, "the reset after request 1 must be an event")
    }

    func testPerRequestModeServesEveryProxiedRequest() async throws {
        let harness = try await ServerHarness.start(self, mode: .perRequest)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/img/1.png", "/img/2.png"], headers: [proxyHeader])
        XCTAssertEqual(results.map(\.decision), ["200", "200", "200"])
        XCTAssertEqual(results.map(\.account), ["alice", "alice", "alice"])
    }

    func testLegacyModeMapsADirectConnectionOnceAndReusesIt() async throws {
        let harness = try await ServerHarness.start(self, mode: .legacyIIS4)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a", "/b"])
        XCTAssertEqual(results.map(\.decision), ["200", "200", "200"])
        XCTAssertEqual(harness.requestRecords().map(\.certificateSource), ["tls", "persisted", "persisted"])
    }

    func testPerConnectionModeReusesTheFirstIdentityWithoutLookingAtCertificates() async throws {
        let harness = try await ServerHarness.start(self, mode: .perConnection)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a"], headers: [proxyHeader])
        XCTAssertEqual(results.map(\.account), ["alice", "alice"])
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.certificateSource), ["tls", "persisted"])
        XCTAssertTrue(records[1].decision.trace.steps.contains { $0.summary.contains("reusing the identity persisted on this connection") })
    }

    func testSwitchingModeWhileServingAppliesToTheNextRequest() async throws {
        let harness = try await ServerHarness.start(self, mode: .legacyIIS4)
        let before = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a"], headers: [proxyHeader])
        XCTAssertEqual(before.map(\.decision), ["200", "401.2"])
        harness.service.setPersistence(AuthPersistencePreset.perRequest.flags)
        let after = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a"], headers: [proxyHeader])
        XCTAssertEqual(after.map(\.decision), ["200", "200"])
        let switched = harness.service.events.recent().contains {
            if case .system(let event) = $0.kind { return event.message.contains("from legacy-iis4 to per-request") }
            return false
        }
        XCTAssertTrue(switched)
    }

    func testApplyingAConfigurationWithAnotherModeSwitchesTheServer() async throws {
        let harness = try await ServerHarness.start(self, mode: .perRequest)
        var document = harness.service.configuration.current.document
        document.server.authPersistence = AuthPersistencePreset.legacyIIS4.flags
        let snapshot = try harness.service.apply(document)
        XCTAssertEqual(snapshot.generation, 2)
        XCTAssertEqual(harness.service.persistence.preset, .legacyIIS4)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a"], headers: [proxyHeader])
        XCTAssertEqual(results.map(\.decision), ["200", "401.2"])
        XCTAssertEqual(harness.requestRecords().map(\.decision.generation), [2, 2])
    }
}
