import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// A console attached to several servers: Live names each request's server and `~inst`
/// filters by it; attached to one (or none), the column is not there.
final class InstanceRowsTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func record(_ trace: String, instance: String?, connection: ConnectionID) -> RequestRecord {
        RequestRecord(
            traceID: trace, connection: connection, request: 1, method: "GET", path: "/from-\(instance ?? "here")", peer: "127.0.0.1:51000", route: "direct",
            proxied: false, mode: "per-request", certificateSource: "tls", certificate: F.alice,
            decision: F.allowed("alice", mapping: "one-to-one \"alice laptop\"", source: "TLS", path: "/"), durationMicros: 40, run: instance)
    }

    func testLiveShowsEachRequestsServerOnlyWhenAttachedToSeveral() {
        var state = F.state(width: 120, height: 40)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 1, time: F.start, kind: .request(record("t-1", instance: "edge-1", connection: 1)))), to: &state)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 2, time: F.start, kind: .request(record("t-2", instance: "edge-2", connection: 2)))), to: &state)
        XCTAssertFalse(ConsoleView.render(state).text.contains("INST"), "one server: no instance column")
        ConsoleReducer.apply(.instancesAttached(["edge-1", "edge-2"]), to: &state)
        let live = ConsoleView.render(state).text
        XCTAssertTrue(live.contains("TIME     INST     CONN"), live)
        let rows = live.split(separator: "\n").filter { $0.contains("/from-") }
        XCTAssertEqual(rows.count, 2, live)
        XCTAssertTrue(rows[0].contains("edge-1") && rows[1].contains("edge-2"), live)
    }

    func testTheInstanceFilterMatchesTheRequestsServer() throws {
        let filter = try FilterParser.parse("~inst edge-2")
        XCTAssertEqual(filter, .instance("edge-2"))
        XCTAssertEqual(try FilterParser.parse(filter.description), filter)
        XCTAssertEqual([record("a", instance: "edge-1", connection: 1), record("b", instance: "edge-2", connection: 2), record("c", instance: nil, connection: 3)].map(filter.matches), [false, true, false])
        XCTAssertEqual(try FilterParser.parse("!~i edge-1"), .not(.instance("edge-1")))
    }
}
