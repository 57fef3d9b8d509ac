import CertMapCore
import CertMapJournal
import CertMapProxy
import XCTest

/// Network replay keeps each recorded connection's route, certificate and grouping.
final class NetworkReplayerTests: XCTestCase {
    func testAQ190009SessionReplaysThroughTheSameTunnelsAndTurns401sInto200s() async throws {
        let recording = try await ProxyHarness.start(self, mode: .legacyIIS4)
        let endpoints = { (harness: ProxyHarness) in
            ClientEndpoints(server: harness.server.boundAddress, forwardProxy: harness.proxies.forwardAddress, reverseProxy: harness.proxies.reverseAddress, caBundle: harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        }
        let client = SyntheticClient(endpoints: endpoints(recording), group: recording.group)
        let pki = recording.home.pkiDirectory
        _ = await client.run(ConnectionPlan(identity: .demo("alice", pki: pki), route: .forward, requests: ["/", "/a", "/b"].map { PlannedRequest(path: $0) }))
        _ = await client.run(ConnectionPlan(identity: .demo("bob", pki: pki), route: .reverse, requests: ["/", "/c"].map { PlannedRequest(path: $0) }))
        let session = ReplaySession.select(from: recording.events.recent(), where: SessionSelector())
        XCTAssertEqual(session.requests.map(\.decision.statusText), ["200", "401.2", "401.2", "200", "401.2"])

        // Replayed against a second server on the same home, under per-request.
        let target = try await ProxyHarness.start(self, mode: .perRequest, home: recording.home)
        let replayer = NetworkReplayer(client: SyntheticClient(endpoints: endpoints(target), group: target.group), credentials: NetworkReplayer.credentials(in: pki))
        let report = await replayer.replay(session, mode: "per-request", generation: 1)
        XCTAssertEqual(report.outcomes.map(\.diff), ["200 alice → 200 alice", "401.2 → 200 alice", "401.2 → 200 alice", "200 sales → 200 sales", "401.2 → 200 sales"])
        let replayed = target.requestRecords()
        XCTAssertEqual(replayed.map(\.route), ["forward", "forward", "forward", "reverse", "reverse"])
        XCTAssertEqual(Set(replayed.prefix(3).map(\.connection)).count, 1, "the tunnel's three requests share one connection again")
    }
}
