import CertMapCore
import CertMapJournal
import Foundation
import XCTest

/// Dry-run replay keeps connection grouping and applies the chosen persistence, so the fix for
/// a pooled-proxy identity leak can be proven without sockets.
final class DryRunReplayerTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-replay-\(UUID().uuidString)")
        _ = try DemoPKI.initialize(in: directory, now: Date())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func identity(_ name: String) throws -> CertificateIdentity {
        try CertificateLoader.certificates(at: directory.appendingPathComponent("\(name).crt"))[0]
    }

    private func record(_ request: Int, _ user: CertificateIdentity, source: String, account: String) -> RequestRecord {
        RequestRecord(
            traceID: "t-\(request)", connection: 7, request: request, method: "GET", path: "/", peer: "127.0.0.2:4000", route: "proxied",
            proxied: true, mode: "per-connection", certificateSource: source, certificate: CertificateSummary(user),
            decision: Decision(reason: .allowed, account: account, mapping: nil, trace: DecisionTrace(), generation: 1), durationMicros: 5
        )
    }

    func testPooledLeakRecordedUnderPerConnectionDisappearsUnderPerRequest() async throws {
        let alice = try identity("alice")
        let bob = try identity("bob")
        let snapshot = try ConfigSnapshot(document: DemoConfiguration.make(pkiDirectory: directory), generation: 4)
        let session = ReplaySession(
            requests: [record(1, alice, source: "forwarded:escapedPEM", account: "alice"), record(2, bob, source: "persisted", account: "alice")],
            certificates: [alice.sha256.colonHex: alice, bob.sha256.colonHex: bob]
        )
        let valid: @Sendable (CertificateIdentity) async -> CertificateCheck = { _ in CertificateCheck(verdict: .valid, notes: []) }

        let fixed = await DryRunReplayer(engine: snapshot.engine, persistence: AuthPersistencePreset.perRequest.flags, check: valid).replay(session)
        XCTAssertEqual(fixed.outcomes.map(\.diff), ["200 alice → 200 alice", "200 alice → 200 sales"])
        XCTAssertEqual(fixed.changedCount, 1)
        XCTAssertEqual(fixed.generation, 4)

        let leaky = await DryRunReplayer(engine: snapshot.engine, persistence: AuthPersistencePreset.perConnection.flags, check: valid).replay(session)
        XCTAssertEqual(leaky.changedCount, 0, "the recorded behaviour reproduces exactly")
    }

    func testSelectionByIdentityAndConnectionKeepsOrderAndLoadsCertificates() throws {
        let alice = try identity("alice")
        let bob = try identity("bob")
        let events: [CertMapEvent] = [
            CertMapEvent(sequence: 1, time: Date(), kind: .certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString()))),
            CertMapEvent(sequence: 2, time: Date(), kind: .request(record(1, alice, source: "tls", account: "alice"))),
            CertMapEvent(sequence: 3, time: Date(), kind: .request(record(2, bob, source: "tls", account: "sales"))),
            CertMapEvent(sequence: 4, time: Date(), kind: .request(record(3, alice, source: "tls", account: "alice"))),
        ]
        let session = ReplaySession.select(from: events, where: SessionSelector(connection: 7, identity: "ALICE"))
        XCTAssertEqual(session.requests.map(\.request), [1, 2, 3], "bob's request between alice's two comes along")
        XCTAssertEqual(session.context, ["t-2"], "as context only")
        XCTAssertEqual(session.selectedCount, 2)
        XCTAssertEqual(session.certificates[alice.sha256.colonHex]?.subject, alice.subject)
        XCTAssertNil(session.certificates[bob.sha256.colonHex], "bob's certificate record was not in the journal")
    }

    // Step, pause and stop reach the replayer through its `ReplayControl`; outcomes are
    // reported one by one as they are decided.

    /// Q190009 recorded under legacy-iis4: one 200 then 401.2 on the same connection.
    private func q190009() throws -> ReplaySession {
        let alice = try CertificateLoader.certificates(at: directory.appendingPathComponent("alice.crt"))[0]
        let records = (1...4).map { request in
            RequestRecord(
                traceID: "t-\(request)", connection: 3, request: request, method: "GET", path: "/portal/\(request)", peer: "127.0.0.2:4000", route: "forward",
                proxied: true, mode: "legacy-iis4", certificateSource: "tls", certificate: CertificateSummary(alice),
                decision: Decision(reason: request == 1 ? .allowed : .legacyResetWithoutRemap, account: request == 1 ? "alice" : nil, mapping: nil, trace: DecisionTrace(), generation: 1),
                durationMicros: 5)
        }
        return ReplaySession(requests: records, certificates: [alice.sha256.colonHex: alice])
    }

    private func replayer() throws -> DryRunReplayer {
        let snapshot = try ConfigSnapshot(document: DemoConfiguration.make(pkiDirectory: directory), generation: 2)
        return DryRunReplayer(engine: snapshot.engine, persistence: AuthPersistencePreset.perRequest.flags) { _ in CertificateCheck(verdict: .valid, notes: []) }
    }

    func testSteppingDecidesOneRequestPerStepAndContinueRunsToTheEnd() async throws {
        let session = try q190009()
        let control = ReplayControl(total: session.requests.count, paused: true)
        let seen = LockedState<[ReplayOutcome]>([])
        let replay = Task { [replayer = try replayer()] in
            await replayer.replay(session, control: control) { outcome in seen.withLock { $0.append(outcome) } }
        }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(seen.withLock { $0.count }, 0, "paused before the first request")
        await control.step()
        try await waitUntil { await control.playback.isAwaitingInput && seen.withLock { $0.count } == 1 }
        await control.step()
        try await waitUntil { await control.playback.isAwaitingInput && seen.withLock { $0.count } == 2 }
        try await Task.sleep(for: .milliseconds(60))
        XCTAssertEqual(seen.withLock { $0.count }, 2, "still paused after two steps")
        XCTAssertEqual(seen.withLock { $0.map(\.diff) }, ["200 alice → 200 alice", "401.2 → 200 alice"])
        await control.resume()
        let report = await replay.value
        XCTAssertEqual(report.outcomes.count, 4)
        XCTAssertFalse(report.stopped)
        XCTAssertEqual(report.changedCount, 3)
        let finished = await control.playback.state
        XCTAssertEqual(finished, .finished)
    }

    func testStoppingReturnsTheOutcomesSoFarMarkedStopped() async throws {
        let session = try q190009()
        let control = ReplayControl(total: session.requests.count, paused: true)
        let replay = Task { [replayer = try replayer()] in await replayer.replay(session, control: control) }
        await control.step()
        try await waitUntil { await control.playback.done == 1 }
        await control.stop()
        let report = await replay.value
        XCTAssertTrue(report.stopped)
        XCTAssertEqual(report.outcomes.count, 1)
        XCTAssertEqual(report.planned, 4)
    }

    func testAPacedReplayKeepsTheRecordedGapsScaled() async throws {
        let session = try q190009()
        let start = Date()
        // Recorded 1 s apart; at 10× the three gaps take 0.3 s of the replay's clock — a virtual
        // one here, so the test measures the pacing without waiting for it.
        let times = Dictionary(uniqueKeysWithValues: session.requests.enumerated().map { ($1.traceID, start.addingTimeInterval(Double($0))) })
        let clock = VirtualClock()
        let report = await try replayer().replay(session, times: times, control: ReplayControl(total: 4, speed: .factor(10), clock: clock.replayClock))
        XCTAssertEqual(report.outcomes.count, 4)
        XCTAssertEqual(clock.slept, .milliseconds(300))
        // At 1× the same session takes the recorded 3 s; at max speed no time at all.
        let slow = VirtualClock()
        _ = await try replayer().replay(session, times: times, control: ReplayControl(total: 4, speed: .factor(1), clock: slow.replayClock))
        XCTAssertEqual(slow.slept, .seconds(3))
        let fast = VirtualClock()
        _ = await try replayer().replay(session, times: times, control: ReplayControl(total: 4, speed: .max, clock: fast.replayClock))
        XCTAssertEqual(fast.slept, .zero)
    }

    private func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while await !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("condition not met within 5 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// A clock whose sleeps return at once and move its time on by what was asked: the total is the
/// pacing a replay did, to the millisecond, with no real waiting.
private final class VirtualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Duration = .zero

    var slept: Duration { lock.withLock { now } }

    var replayClock: ReplayClock {
        ReplayClock(elapsed: { [self] in lock.withLock { now } }, sleep: { [self] duration in lock.withLock { now += duration } })
    }
}
