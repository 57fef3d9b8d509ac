import CertMapCore
import CertMapJournal
import Foundation
import XCTest

/// A dry run streamed from the journal (`JournalReplay`: planned in one read, replayed in a
/// second) decides exactly what the whole-session dry run decides, for every selection, counts
/// every request while keeping a bounded number of rows, and forgets connections it is done with.
final class JournalReplayTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-journal-replay-\(UUID().uuidString)")
        _ = try DemoPKI.initialize(in: directory.appendingPathComponent("pki"), now: Date())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func identity(_ name: String) throws -> CertificateIdentity {
        try CertificateLoader.certificates(at: directory.appendingPathComponent("pki/\(name).crt"))[0]
    }

    private static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Four users interleaved on three proxied connections, recorded under legacy-iis4 (first 200,
    /// then 401.2 — so what a request gets depends on the ones before it on its connection).
    private func journal() throws -> (url: URL, events: [CertMapEvent]) {
        let users = try ["alice", "bob", "carol", "erin"].map(identity)
        var events = users.enumerated().map { index, user in
            CertMapEvent(sequence: UInt64(index + 1), time: Self.start, kind: .certificate(CertificateRecord(sha256: user.sha256.colonHex, der: Data(user.der).base64EncodedString())))
        }
        var perConnection: [ConnectionID: Int] = [:]
        for index in 0..<60 {
            let connection = ConnectionID(index % 3 + 1)
            let request = (perConnection[connection] ?? 0) + 1
            perConnection[connection] = request
            let user = users[(index / 3 + Int(connection)) % users.count]
            let reason: DecisionReason = request == 1 ? .allowed : .legacyResetWithoutRemap
            let record = RequestRecord(
                traceID: "t-\(index)", connection: connection, request: request, method: "GET", path: index % 4 == 0 ? "/admin/" : "/", peer: "127.0.0.9:\(4000 + connection)",
                route: "forward", proxied: true, mode: "legacy-iis4", certificateSource: request == 1 ? "tls" : "none", certificate: CertificateSummary(user),
                decision: Decision(reason: reason, account: request == 1 ? user.subject.commonName : nil, mapping: nil, trace: DecisionTrace(), generation: 1),
                durationMicros: 10, run: "rtest")
            events.append(CertMapEvent(sequence: UInt64(events.count + 1), time: Self.start.addingTimeInterval(Double(index)), kind: .request(record)))
        }
        let url = directory.appendingPathComponent("journal")
        let writer = try JournalWriter(settings: JournalSettings(directory: url, maxSegmentBytes: 2_000))
        for event in events {
            try writer.append(event)
            if event.sequence % 7 == 0 { try writer.flush() }
        }
        try writer.close()
        return (url, try JournalReader.read(url).events)
    }

    private func replayer(_ preset: AuthPersistencePreset) throws -> DryRunReplayer {
        let snapshot = try ConfigSnapshot(document: DemoConfiguration.make(pkiDirectory: directory.appendingPathComponent("pki")), generation: 2)
        return DryRunReplayer(engine: snapshot.engine, persistence: preset.flags) { _ in CertificateCheck(verdict: .valid, notes: []) }
    }

    func testEverySelectionStreamedDecidesWhatTheWholeSessionDecides() async throws {
        let (url, events) = try journal()
        XCTAssertGreaterThan(Set(try FileManager.default.contentsOfDirectory(atPath: url.path)).count, 2, "several segments")
        let selections: [(String, SessionSelector, @Sendable (RequestRecord) -> Bool)] = [
            ("everything", SessionSelector(), { _ in true }),
            ("connection 2", SessionSelector(connection: 2), { _ in true }),
            ("bob", SessionSelector(identity: "BOB"), { _ in true }),
            ("since the 31st", SessionSelector(since: Self.start.addingTimeInterval(30)), { _ in true }),
            ("/admin/ until the 40th", SessionSelector(until: Self.start.addingTimeInterval(40)), { $0.path == "/admin/" }),
        ]
        for preset in AuthPersistencePreset.allCases {
            let replayer = try replayer(preset)
            for (name, selector, filter) in selections {
                let whole = ReplaySession.selectWithTimes(from: events, where: selector).session.narrowed(to: filter)
                let expected = await replayer.replay(whole)
                let chooses: JournalReplay.Chooser = { record, time in selector.matches(record, at: time) && filter(record) }
                let plan = try JournalReplay.plan(journal: url, chooses: chooses)
                XCTAssertEqual(plan.chosen, whole.selectedCount, "\(name) under \(preset)")
                XCTAssertEqual(plan.chosen + plan.context, whole.requests.count, "\(name) under \(preset)")
                let streamed = try await plan.replay(with: replayer, chooses: chooses, rows: 1_000).report
                XCTAssertEqual(streamed.outcomes, expected.outcomes, "\(name) under \(preset)")
                XCTAssertEqual(streamed.summary, expected.summary, "\(name) under \(preset)")
                XCTAssertEqual(streamed.planned, expected.planned, "\(name) under \(preset)")
            }
        }
    }

    func testALongReplayKeepsItsFirstRowsAndItsChangesAndCountsEverything() async throws {
        let (url, events) = try journal()
        let replayer = try replayer(.perRequest)
        let everything: JournalReplay.Chooser = { _, _ in true }
        let plan = try JournalReplay.plan(journal: url, chooses: everything)
        let streamed = try await plan.replay(with: replayer, chooses: everything, rows: 5).report
        let whole = await replayer.replay(ReplaySession.select(from: events, where: SessionSelector()))
        XCTAssertEqual(streamed.summary, whole.summary, "every request counted")
        XCTAssertEqual(streamed.changedCount, whole.changedCount)
        XCTAssertGreaterThan(whole.changedCount, 5)
        XCTAssertEqual(streamed.outcomes.count, 10, "five rows in order, then five changed ones")
        XCTAssertEqual(Array(streamed.outcomes.prefix(5)), Array(whole.outcomes.prefix(5)))
        XCTAssertTrue(streamed.outcomes.suffix(5).allSatisfy(\.changed))
        XCTAssertEqual(streamed.omittedCount, whole.outcomes.count - 10)
    }

    func testASelectionThatMatchesNothingPlansNothing() throws {
        let (url, _) = try journal()
        let plan = try JournalReplay.plan(journal: url, chooses: { record, _ in record.connection == 99 })
        XCTAssertEqual(plan.chosen, 0)
        XCTAssertEqual(plan.context, 0)
    }

    func testARequestRecordedBeforeItsCertificatesRecordIsReplayedWithIt() async throws {
        // The server publishes a request and the record of its certificate as it decides it; the
        // journal may hold them in either order.
        let alice = try identity("alice")
        let record = RequestRecord(
            traceID: "t-1", connection: 1, request: 1, method: "GET", path: "/", peer: "127.0.0.9:4001", route: "direct", proxied: false,
            mode: "per-request", certificateSource: "tls", certificate: CertificateSummary(alice),
            decision: Decision(reason: .allowed, account: "alice", mapping: nil, trace: DecisionTrace(), generation: 1), durationMicros: 10, run: "rtest")
        let events = [
            CertMapEvent(sequence: 1, time: Self.start, kind: .request(record)),
            CertMapEvent(sequence: 2, time: Self.start, kind: .certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString()))),
        ]
        var writer = EventJSONWriter()
        let file = directory.appendingPathComponent("journal-000001.jsonl")
        try Data(try events.map { try writer.line($0) }.joined()).write(to: file)
        let everything: JournalReplay.Chooser = { _, _ in true }
        let replayer = try replayer(.perRequest)
        let streamed = try await JournalReplay.plan(journal: file, chooses: everything).replay(with: replayer, chooses: everything, rows: 10).report
        XCTAssertEqual(streamed.outcomes.map(\.certificateMissing), [false])
        let whole = await replayer.replay(ReplaySession.select(from: events, where: SessionSelector()))
        XCTAssertEqual(streamed.outcomes, whole.outcomes)
    }
}
