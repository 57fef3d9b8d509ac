import CertMapCore
import CertMapJournal
import Foundation
import XCTest

/// Grouping a journal's refusals by cause for `certmap diagnose`.
final class JournalDiagnosisTests: XCTestCase {
    private func request(_ index: Int, _ reason: DecisionReason, account: String? = nil) -> CertMapEvent {
        let decision = Decision(reason: reason, account: account, mapping: nil, trace: DecisionTrace(), generation: 1)
        let record = RequestRecord(
            traceID: "t-\(index)", connection: 1, request: index, method: "GET", path: "/p\(index)", peer: "127.0.0.2:5000", route: "proxied",
            proxied: true, mode: "legacy-iis4", certificateSource: "none", certificate: nil, decision: decision, durationMicros: 10
        )
        return CertMapEvent(sequence: UInt64(index), time: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), kind: .request(record))
    }

    func testRefusalsAreGroupedByCauseMostFrequentFirstWithTheFirstExample() {
        let events = [
            request(1, .allowed, account: "alice"), request(2, .legacyResetWithoutRemap), request(3, .notMapped),
            request(4, .legacyResetWithoutRemap), request(5, .legacyResetWithoutRemap),
        ]
        let diagnosis = JournalDiagnosis(events: events)
        XCTAssertEqual(diagnosis.requests, 5)
        XCTAssertEqual(diagnosis.refused, 4)
        XCTAssertEqual(diagnosis.causes.map(\.reason), [.legacyResetWithoutRemap, .notMapped])
        XCTAssertEqual(diagnosis.causes.map(\.kind), [.legacyResetWithoutRemap, .notMapped])
        XCTAssertEqual(diagnosis.causes.map(\.count), [3, 1])
        XCTAssertEqual(diagnosis.causes[0].example.traceID, "t-2")
        XCTAssertEqual(diagnosis.causes[0].decision, "401.2")
        XCTAssertTrue(diagnosis.causes[0].fix.contains("per-request"))
        XCTAssertNil(diagnosis.spoofing)
    }

    func testSinceDropsOlderEventsAndSpoofingIsCountedByPeer() {
        let spoof = { (sequence: UInt64, peer: String) in
            CertMapEvent(sequence: sequence, time: Date(timeIntervalSince1970: 1_790_000_100), kind: .security(SecurityEvent(category: .spoof, connection: 9, peer: peer, message: "removed X-SSL-Client-Cert")))
        }
        let events = [request(1, .notMapped), request(2, .certificateRevoked), spoof(10, "127.0.0.1:4000"), spoof(11, "127.0.0.1:4001")]
        let diagnosis = JournalDiagnosis(events: events, since: Date(timeIntervalSince1970: 1_790_000_002))
        XCTAssertEqual(diagnosis.causes.map(\.reason), [.certificateRevoked])
        XCTAssertEqual(diagnosis.spoofing?.count, 2)
        XCTAssertEqual(diagnosis.spoofing?.peers, ["127.0.0.1"])
    }

    func testEveryRefusalReasonHasADiagnosisWithAFix() {
        for reason in DecisionReason.allCases where reason.status != 200 {
            let diagnosis = Diagnosis(record: request(1, reason).requestRecord!)
            XCTAssertTrue(diagnosis.needsAttention, "\(reason)")
            XCTAssertFalse(diagnosis.title.isEmpty, "\(reason)")
            XCTAssertGreaterThan(diagnosis.fix.count, 20, "\(reason)")
            XCTAssertTrue(diagnosis.headline.hasPrefix(reason.statusText), "\(reason)")
        }
    }

    func testAMisattributed200IsAGroupOfItsOwnWithTheFix() {
        let misattribution = Misattribution(presentedSubject: "CN=bob", presentedAccount: "sales", servedAccount: "alice", mappedFromRequest: 1, mappedFromSubject: "CN=alice")
        let decision = Decision(reason: .allowed, account: "alice", mapping: nil, trace: DecisionTrace(), generation: 1, facts: DecisionFacts(misattribution: misattribution))
        let record = RequestRecord(
            traceID: "t-9", connection: 1, request: 2, method: "GET", path: "/", peer: "127.0.0.3:5000", route: "reverse",
            proxied: true, mode: "per-connection", certificateSource: "persisted", certificate: nil, decision: decision, durationMicros: 10)
        let events = [request(1, .allowed, account: "alice"), CertMapEvent(sequence: 2, time: Date(timeIntervalSince1970: 1_790_000_010), kind: .request(record))]
        let diagnosis = JournalDiagnosis(events: events)
        XCTAssertEqual(diagnosis.refused, 0)
        XCTAssertEqual(diagnosis.misattributed, 1)
        XCTAssertEqual(diagnosis.causes.map(\.kind), [.misattributed])
        XCTAssertEqual(diagnosis.causes.first?.decision, "200")
        XCTAssertTrue(diagnosis.causes.first?.cause.hasPrefix("Answered as alice, but this request presented CN=bob, which maps to sales.") ?? false, diagnosis.causes.first?.cause ?? "")
        XCTAssertTrue(diagnosis.causes.first?.fix.contains("per-request") ?? false)
    }
}

private extension CertMapEvent {
    var requestRecord: RequestRecord? {
        if case .request(let record) = kind { return record }
        return nil
    }

    /// Failures that never become a request record — handshakes, malformed HTTP, refused
    /// targets, limits — are grouped with their fix too, most frequent first.
    func testFailuresBeforeADecisionAreGroupedByWhatHappenedWithTheFix() {
        func security(_ index: Int, _ category: SecurityEvent.Category, _ peer: String, _ message: String, reason: String? = nil) -> CertMapEvent {
            CertMapEvent(sequence: UInt64(index), time: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), kind: .security(
                SecurityEvent(category: category, connection: nil, peer: peer, message: message, reason: reason)))
        }
        let events = [
            security(1, .tls, "127.0.0.7:1000", "TLS: the client ended the handshake with the alert \"unknown ca\"", reason: "alert_unknown_ca"),
            security(2, .tls, "127.0.0.8:1001", "TLS: the client ended the handshake with the alert \"unknown ca\"", reason: "alert_unknown_ca"),
            security(3, .tls, "127.0.0.7:1002", "TLS: the client spoke plain HTTP to the HTTPS port (use https://)", reason: "plain_http"),
            security(4, .malformedRequest, "127.0.0.9:1003", "request target \"/a%2Fb\" refused: the target holds an encoded slash", reason: "target"),
            security(5, .limit, "127.0.0.9:1004", "request headers are 20000 bytes; the limit is 16384"),
            security(6, .limit, "127.0.0.9:1005", "request headers are 20000 bytes; the limit is 16384 (server.limits.maxHeaderBytes)"),
            security(7, .spoof, "127.0.0.9:1006", "removed forwarded-certificate header(s) X-SSL-Client-Cert"),
        ]
        let groups = JournalDiagnosis(events: events).beforeDecision
        XCTAssertEqual(groups.first?.reason, "alert_unknown_ca")
        XCTAssertEqual(groups.first?.count, 2)
        XCTAssertEqual(groups.first?.peers, ["127.0.0.7", "127.0.0.8"])
        XCTAssertTrue(groups.first?.fix.contains("certmap doctor") == true, groups.first?.fix ?? "")
        XCTAssertEqual(Set(groups.map { "\($0.category)/\($0.reason ?? "")" }), ["tls/alert_unknown_ca", "tls/plain_http", "malformedRequest/target", "limit/431"])
        XCTAssertEqual(groups.first { $0.reason == "431" }?.count, 2, "an event written without a reason is grouped by its message")
        XCTAssertTrue(groups.first { $0.reason == "431" }?.fix.contains("server.limits.maxHeaderBytes") == true)
        XCTAssertFalse(groups.contains { $0.category == "spoof" }, "spoofing has its own section")
    }
}
