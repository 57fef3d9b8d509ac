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
        XCTAssertEqual(session.requests.map(\.request), [1, 3])
        XCTAssertEqual(session.certificates[alice.sha256.colonHex]?.subject, alice.subject)
        XCTAssertNil(session.certificates[bob.sha256.colonHex], "bob's certificate record was not in the journal")
    }
}
