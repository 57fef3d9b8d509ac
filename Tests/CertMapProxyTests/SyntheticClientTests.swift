import CertMapCore
import CertMapJournal
import CertMapProxy
import XCTest

/// The synthetic clients on every route, against the real server and proxies.
final class SyntheticClientTests: XCTestCase {
    private func plan(_ harness: ProxyHarness, _ user: String, _ route: ClientRoute, _ paths: [String]) -> ConnectionPlan {
        ConnectionPlan(identity: .demo(user, pki: harness.home.pkiDirectory), route: route, requests: paths.map { PlannedRequest(path: $0) })
    }

    func testAliceSendsThreeRequestsOnOneKeptAliveServerConnection() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest)
        let outcomes = await harness.client().run(plan(harness, "alice", .direct, ["/", "/a", "/b"]))
        XCTAssertEqual(outcomes.map(\.summary), ["200 alice", "200 alice", "200 alice"])
        XCTAssertEqual(outcomes.map(\.connection), [1, 1, 1])
        XCTAssertTrue(outcomes.allSatisfy { $0.traceID?.hasPrefix("t-") ?? false }, "every answer names its trace")
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.request), [1, 2, 3])
        XCTAssertEqual(Set(records.map(\.connection)).count, 1)
        XCTAssertEqual(Set(records.map(\.route)), ["direct"])
    }

    func testADirectClientWithAViaHeaderIsTreatedAsProxiedInLegacyMode() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        var plan = plan(harness, "alice", .direct, ["/", "/a", "/b"])
        plan.requests = plan.requests.map { PlannedRequest(path: $0.path, headers: ["Via": "1.1 squid"]) }
        let outcomes = await harness.client().run(plan)
        XCTAssertEqual(outcomes.map(\.summary), ["200 alice", "401.2", "401.2"])
        XCTAssertEqual(outcomes.map(\.reason), ["allowed", "legacyResetWithoutRemap", "legacyResetWithoutRemap"])
        XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 1, "the 401s come on the same connection")
    }

    func testTheClientOpensANewConnectionOnlyAfterTheServerClosedItsConnection() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest)
        var plan = plan(harness, "alice", .direct, ["/", "/bye", "/again", "/more"])
        plan.requests[1].headers = ["Connection": "close"]
        let outcomes = await harness.client().run(plan)
        XCTAssertEqual(outcomes.map(\.summary), ["200 alice", "200 alice", "200 alice", "200 alice"])
        XCTAssertEqual(outcomes.map(\.connection), [1, 1, 2, 2])
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.request), [1, 2, 1, 2], "request numbers restart on the new server connection")
        XCTAssertEqual(Set(records.map(\.connection)).count, 2)
    }

    func testAGateCanStopAPlanBeforeItsNextRequest() async throws {
        let harness = try await ProxyHarness.start(self)
        let asked = ManagedCounter()
        let outcomes = await harness.client().run(plan(harness, "bob", .reverse, ["/1", "/2", "/3", "/4"])) {
            asked.increment() <= 2 ? .send : .stop
        }
        XCTAssertEqual(outcomes.map(\.request.path), ["/1", "/2"])
        XCTAssertEqual(outcomes.map(\.summary), ["200 sales", "200 sales"])
        XCTAssertEqual(harness.requestRecords().count, 2, "nothing was sent after the stop")
    }

    func testAMissingCertificateIsAnErrorForEveryRequestNotACrash() async throws {
        let harness = try await ProxyHarness.start(self)
        let ghost = ClientIdentity(name: "ghost", certificate: harness.home.pkiDirectory.appendingPathComponent("ghost.crt"), key: harness.home.pkiDirectory.appendingPathComponent("ghost.key"))
        let outcomes = await harness.client().run(ConnectionPlan(identity: ghost, route: .direct, requests: [PlannedRequest(path: "/"), PlannedRequest(path: "/a")]))
        XCTAssertEqual(outcomes.count, 2)
        XCTAssertTrue(outcomes.allSatisfy { $0.error?.hasPrefix("cannot load the certificate of ghost: ") ?? false }, "\(outcomes.map(\.summary))")
        XCTAssertEqual(harness.requestRecords().count, 0)
    }

    func testABrowserThroughTheForwardProxyGets401AfterItsFirstRequestInLegacyMode() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        let outcomes = await harness.client().run(plan(harness, "alice", .forward, ["/", "/img/1.png", "/img/2.png", "/img/3.png"]))
        XCTAssertEqual(outcomes.map(\.summary), ["200 alice", "401.2", "401.2", "401.2"])
        let records = harness.requestRecords()
        XCTAssertEqual(Set(records.map(\.connection)).count, 1)
        XCTAssertEqual(Set(records.map(\.route)), ["forward"])
    }

    func testEveryRouteWorksWithKeepAliveInPerRequestMode() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest)
        let client = harness.client()
        for route in ClientRoute.allCases {
            let outcomes = await client.run(plan(harness, "alice", route, ["/", "/a", "/b"]))
            XCTAssertEqual(outcomes.map(\.summary), ["200 alice", "200 alice", "200 alice"], "\(route)")
        }
        let byRoute = Dictionary(grouping: harness.requestRecords(), by: \.route).mapValues { Set($0.map(\.connection)).count }
        XCTAssertEqual(byRoute, ["direct": 1, "forward": 1, "reverse": 1], "each plan is one kept-alive connection")
    }

    func testNoCertificateAndBadCertificatesGetTheirSubstatus() async throws {
        let harness = try await ProxyHarness.start(self)
        let client = harness.client()
        var summaries: [String: String] = [:]
        for user in ["none", "expired", "revoked", "impostor", "dave", "erin"] {
            summaries[user] = await client.run(plan(harness, user, .direct, ["/"])).first?.summary
        }
        XCTAssertEqual(summaries, ["none": "403.7", "expired": "403.17", "revoked": "403.13", "impostor": "403.16", "dave": "403.12", "erin": "401.2"])
    }

    func testARefusedTunnelIsAnOutcomeNotACrash() async throws {
        let harness = try await ProxyHarness.start(self)
        let endpoints = ClientEndpoints(server: ListenAddress(host: "127.0.0.1", port: 1), forwardProxy: harness.proxies.forwardAddress, reverseProxy: nil, caBundle: harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        let outcomes = await SyntheticClient(endpoints: endpoints, group: harness.group).run(plan(harness, "alice", .forward, ["/", "/a"]))
        XCTAssertEqual(outcomes.count, 2)
        XCTAssertTrue(outcomes.allSatisfy { $0.error?.contains("CONNECT refused: HTTP/1.1 403") ?? false }, "\(outcomes.map(\.summary))")
    }
}

/// A thread-safe counter for gates in tests.
final class ManagedCounter: Sendable {
    private let value = LockedState(0)

    /// Adds one and returns the new value.
    func increment() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
