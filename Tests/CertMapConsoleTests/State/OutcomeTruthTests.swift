import CertMapCore
import CertMapJournal
import Foundation
import XCTest

@testable import CertMapConsole

/// What the console counts and draws is what the client got: a leaked identity is never a
/// success, a gateway 502 is not a 2xx, and an older row keeps the facts that make it dangerous.
final class OutcomeTruthTests: XCTestCase {
    private func record(_ decision: Decision, upstream: UpstreamOutcome? = nil) -> RequestRecord {
        RequestRecord(
            traceID: "t-1", connection: 1, request: 2, method: "GET", path: "/", peer: "127.0.0.3:1", route: "reverse", proxied: true,
            mode: "per-connection", certificateSource: "persisted", certificate: ConsoleFixtures.bob, decision: decision, durationMicros: 5, upstream: upstream)
    }

    private var leaked: Decision {
        ConsoleFixtures.allowed("alice", mapping: "one-to-one \"alice laptop\"", source: "persisted", path: "/").adding(DecisionFacts(misattribution: Misattribution(
            presentedSubject: "CN=bob", presentedAccount: "bob", servedAccount: "alice", mappedFromRequest: 1, mappedFromSubject: "CN=alice")))
    }

    func testALeakedIdentityIsCountedAndMarkedAsLeakedNeverAsSuccess() {
        let leak = record(leaked)
        XCTAssertEqual(OutcomeMark(record: leak), .leaked)
        var counters = TrafficCounters()
        counters.record(leak, at: Date())
        XCTAssertEqual(counters.ok, 0)
        XCTAssertEqual(counters.leaked, 1)
        let diagnosis = Diagnosis(record: leak)
        XCTAssertEqual(diagnosis.headline, "200  answered as alice, another user's identity")
    }

    func testAGatewayFailureIsNotCountedAsSuccess() {
        let allowed = ConsoleFixtures.allowed("bob", mapping: "m", source: "tls", path: "/")
        let failed = record(allowed, upstream: UpstreamOutcome(upstream: "http://127.0.0.1:9", status: nil, latencyMicros: 0, bytesSent: 0, bytesReceived: 0, failure: "connection refused"))
        var counters = TrafficCounters()
        counters.record(failed, at: Date())
        XCTAssertEqual(counters.ok, 0)
        XCTAssertEqual(counters.other, 1)
        XCTAssertEqual(OutcomeMark(record: record(allowed, upstream: UpstreamOutcome(upstream: "http://127.0.0.1:9", status: nil, latencyMicros: 0, bytesSent: 0, bytesReceived: 0, failure: "no response within 60 s"))), .other)
    }

    func testAnOlderRowKeepsItsFactsWhenItsTraceIsReleased() {
        let row = FlowRow(time: Date(), record: record(leaked)).releasingTrace()
        XCTAssertTrue(row.traceReleased)
        XCTAssertNotNil(row.record.decision.facts?.misattribution)
    }
}
