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

    func testAPooledLeakRecordedPerConnectionDisappearsWhenReplayedPerRequest() async throws {
        let recording = try await ProxyHarness.start(self, mode: .perConnection, poolSize: 1, reuse: .always)
        let endpoints = ClientEndpoints(server: recording.server.boundAddress, forwardProxy: recording.proxies.forwardAddress, reverseProxy: recording.proxies.reverseAddress, caBundle: recording.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        let client = SyntheticClient(endpoints: endpoints, group: recording.group)
        for user in ["alice", "bob", "carol"] {
            _ = await client.run(ConnectionPlan(identity: .demo(user, pki: recording.home.pkiDirectory), route: .reverse, requests: [PlannedRequest(path: "/")]))
        }
        let session = ReplaySession.select(from: recording.events.recent(), where: SessionSelector())
        XCTAssertEqual(session.requests.map { $0.decision.account }, ["alice", "alice", "alice"], "recorded: bob and carol were served as alice")

        let snapshot = recording.server.service.configuration.current
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: recording.home)
        let dryRun = await DryRunReplayer(engine: snapshot.engine, persistence: AuthPersistencePreset.perRequest.flags, validator: validator).replay(session)
        XCTAssertEqual(dryRun.outcomes.map(\.diff), ["200 alice → 200 alice", "200 alice → 200 sales", "200 alice → 200 carol"])

        let target = try await ProxyHarness.start(self, mode: .perRequest, poolSize: 1, reuse: .always, home: recording.home)
        let targetEndpoints = ClientEndpoints(server: target.server.boundAddress, forwardProxy: target.proxies.forwardAddress, reverseProxy: target.proxies.reverseAddress, caBundle: target.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        let network = await NetworkReplayer(client: SyntheticClient(endpoints: targetEndpoints, group: target.group), credentials: NetworkReplayer.credentials(in: target.home.pkiDirectory))
            .replay(session, mode: "per-request", generation: 1)
        XCTAssertEqual(network.outcomes.map(\.diff), dryRun.outcomes.map(\.diff), "both ways agree")
    }

    func testReplayAtRecordedSpeedKeepsTheGapsBetweenRequests() async throws {
        let harness = try await ProxyHarness.start(self)
        let client = SyntheticClient(endpoints: ClientEndpoints(server: harness.server.boundAddress, forwardProxy: nil, reverseProxy: nil, caBundle: harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem")), group: harness.group)
        _ = await client.run(ConnectionPlan(identity: .demo("alice", pki: harness.home.pkiDirectory), route: .direct, requests: [PlannedRequest(path: "/"), PlannedRequest(path: "/a")]))
        let (session, times) = ReplaySession.selectWithTimes(from: harness.events.recent(), where: SessionSelector())
        // Pretend the two requests were recorded 2 s apart; at speed 10 the replay waits 0.2 s.
        var spaced = times
        spaced[session.requests[1].key] = times[session.requests[0].key]!.addingTimeInterval(2)
        let started = ContinuousClock.now
        let report = await NetworkReplayer(client: client, credentials: NetworkReplayer.credentials(in: harness.home.pkiDirectory))
            .replay(session, mode: "per-request", generation: 1, times: spaced, control: ReplayControl(total: session.requests.count, speed: .factor(10)))
        XCTAssertEqual(report.changedCount, 0)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(190))
    }

    func testSteppingANetworkReplayHoldsTheKeptAliveConnectionBetweenSteps() async throws {
        let recording = try await ProxyHarness.start(self, mode: .legacyIIS4)
        let endpoints = ClientEndpoints(server: recording.server.boundAddress, forwardProxy: recording.proxies.forwardAddress, reverseProxy: nil, caBundle: recording.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        let client = SyntheticClient(endpoints: endpoints, group: recording.group)
        _ = await client.run(ConnectionPlan(identity: .demo("alice", pki: recording.home.pkiDirectory), route: .forward, requests: ["/", "/a", "/b"].map { PlannedRequest(path: $0) }))
        let session = ReplaySession.select(from: recording.events.recent(), where: SessionSelector())
        recording.server.service.setPersistence(AuthPersistencePreset.perRequest.flags)

        let control = ReplayControl(total: 3, paused: true)
        let heard = LockedState<[String]>([])
        let replay = Task {
            await NetworkReplayer(client: client, credentials: NetworkReplayer.credentials(in: recording.home.pkiDirectory))
                .replay(session, mode: "per-request", generation: 1, control: control) { outcome in heard.withLock { $0.append(outcome.diff) } }
        }
        for expected in 1...2 {
            await control.step()
            let deadline = ContinuousClock.now + .seconds(10)
            while await !(control.playback.isAwaitingInput), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            XCTAssertEqual(heard.withLock { $0.count }, expected)
            try await Task.sleep(for: .milliseconds(150))
        }
        XCTAssertEqual(heard.withLock { $0 }, ["200 alice → 200 alice", "401.2 → 200 alice"])
        await control.stop()
        let report = await replay.value
        XCTAssertTrue(report.stopped)
        XCTAssertEqual(report.outcomes.count, 2)
        XCTAssertTrue(report.outcomes.allSatisfy { $0.note == nil }, "both requests went on the one kept-alive connection")
        let replayed = recording.requestRecords().suffix(2)
        XCTAssertEqual(Set(replayed.map(\.connection)).count, 1, "the pause between steps did not split the connection")
    }
}
