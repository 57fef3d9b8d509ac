import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// Gateway mode in the console: Live shows what the application answered next to the decision,
/// `~us` filters on it, the detail names the upstream and its failure, and the diagnosis of an
/// allowed request the application never answered says so.
final class GatewayRowsTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func record(_ trace: String, request: Int, upstream: UpstreamOutcome) -> RequestRecord {
        RequestRecord(
            traceID: trace, connection: 9, request: request, method: "POST", path: "/app/\(request)", peer: "127.0.0.1:51000", route: "direct",
            proxied: false, mode: "per-request", certificateSource: "tls", certificate: F.alice,
            decision: F.allowed("alice", mapping: "one-to-one \"alice laptop\"", source: "TLS", path: "/app/\(request)"), durationMicros: 40,
            upstream: upstream)
    }

    private var served: RequestRecord {
        record("t-g1", request: 1, upstream: UpstreamOutcome(upstream: "http://127.0.0.1:8000", status: 201, latencyMicros: 1500, bytesSent: 10, bytesReceived: 20, failure: nil))
    }

    private var refused: RequestRecord {
        record("t-g2", request: 2, upstream: UpstreamOutcome(
            upstream: "http://127.0.0.1:8000", status: nil, latencyMicros: 300, bytesSent: 0, bytesReceived: 0, failure: "connection refused: nothing listens there"))
    }

    func testTheUpstreamFilterMatchesStatusClassAndFailure() throws {
        let plain = try XCTUnwrap(F.events.compactMap { if case .request(let record) = $0.kind { record } else { nil } }.first)
        for (text, expected) in [("~us 201", [true, false, false]), ("~us 2xx", [true, false, false]), ("~us fail", [false, true, false]), ("!~us fail", [true, false, true])] {
            let filter = try FilterParser.parse(text)
            XCTAssertEqual([served, refused, plain].map(filter.matches), expected, text)
            XCTAssertEqual(try FilterParser.parse(filter.description), filter)
        }
        XCTAssertThrowsError(try FilterParser.parse("~us banana")) { error in
            XCTAssertTrue("\(error)".contains("~us needs a status (502), a class (5xx) or fail"), "\(error)")
        }
    }

    func testLiveShowsTheApplicationsAnswerAndTheDetailNamesTheUpstream() {
        var state = F.state(width: 120, height: 40)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 100, time: F.start.addingTimeInterval(5), kind: .request(served))), to: &state)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 101, time: F.start.addingTimeInterval(5.5), kind: .request(refused))), to: &state)
        let live = ConsoleView.render(state).text
        XCTAssertTrue(live.contains("200→201"), live)
        XCTAssertTrue(live.contains("200→✗"), live)
        F.press([.character("G"), .enter], on: &state)
        let detail = ConsoleView.render(state).text
        XCTAssertTrue(detail.contains("no answer from http://127.0.0.1:8000"), detail)
        XCTAssertTrue(detail.contains("connection refused: nothing listens there"), detail)
    }

    func testTheConnectionStripMarksWhatTheClientFinallyGot() {
        var state = F.state(width: 120, height: 40)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 100, time: F.start.addingTimeInterval(5), kind: .request(served))), to: &state)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 101, time: F.start.addingTimeInterval(5.5), kind: .request(refused))), to: &state)
        let connection = (0..<state.connections.count).map { state.connections.connection(at: $0) }.first { $0.id == 9 }
        XCTAssertEqual(connection?.outcomes, [.ok, .other], "allowed, then the application gave no answer (502)")
    }

    func testAnAllowedRequestTheApplicationNeverAnsweredIsItsOwnCause() {
        let diagnosis = Diagnosis(record: refused)
        XCTAssertEqual(diagnosis.kind, .upstreamFailed)
        XCTAssertTrue(diagnosis.cause.contains("http://127.0.0.1:8000") && diagnosis.cause.contains("connection refused"), diagnosis.cause)
        XCTAssertTrue(diagnosis.fix.contains("server.gateway.upstream"), diagnosis.fix)
        XCTAssertEqual(Diagnosis(record: served).kind, .allowed)
    }
}
