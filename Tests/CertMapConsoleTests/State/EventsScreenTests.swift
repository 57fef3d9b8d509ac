import CertMapJournal
import XCTest

@testable import CertMapConsole

/// Screen 5: a filter by words, and the selected event shown whole (the list cuts messages).
final class EventsScreenTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func state(width: Int = 80) -> ConsoleState {
        var state = F.state(width: width)
        let long = "removed forwarded-certificate header(s) Client-Cert: 127.0.0.2:6000 is not a certificate forwarder (a proxied connection such as a CONNECT tunnel carries the client's own TLS and headers); the request is judged on its own TLS identity"
        for (offset, kind) in [
            (10.0, CertMapEvent.Kind.security(SecurityEvent(category: .spoof, connection: 7, peer: "127.0.0.2:6000", message: long))),
            (11, .system(SystemEvent("configuration generation 4 applied"))),
            (12, .security(SecurityEvent(category: .limit, connection: 8, peer: "127.0.0.1:7000", message: "request body exceeds the limit of 1048576 bytes"))),
        ] {
            ConsoleReducer.apply(.event(CertMapEvent(sequence: UInt64(200 + offset), time: F.start.addingTimeInterval(offset), kind: kind)), to: &state)
        }
        F.press([.character("5")], on: &state)
        return state
    }

    func testTheFilterKeepsLinesWithEveryWordAndSaysHowMany() {
        var state = state()
        let all = state.events.lines.count
        F.press([.character("f")] + F.type("security conn#7") + [.enter], on: &state)
        XCTAssertEqual(state.events.visible.map(\.connection), [7])
        XCTAssertEqual(state.message?.text, "filter: 1 of \(all) events match")
        let screen = ConsoleView.render(state).text
        XCTAssertTrue(screen.contains("security/spoof"), screen)
        XCTAssertFalse(screen.contains("configuration generation 4"), screen)
        // A new event that matches appears; one that does not stays hidden.
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 300, time: F.start.addingTimeInterval(20), kind: .security(SecurityEvent(category: .spoof, connection: 7, peer: "127.0.0.2:6001", message: "again")))), to: &state)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 301, time: F.start.addingTimeInterval(21), kind: .system(SystemEvent("unrelated")))), to: &state)
        XCTAssertEqual(state.events.visible.map(\.message).last, "again")
        XCTAssertEqual(state.events.visible.count, 2)
        F.press([.character("f"), .control("u"), .enter], on: &state)
        XCTAssertEqual(state.events.visible.count, state.events.lines.count)
        XCTAssertEqual(state.message?.text, "filter cleared: all \(state.events.lines.count) events shown")
    }

    func testEnterShowsTheWholeMessageAndQGoesBackToTheList() {
        var state = state()
        F.press([.character("f")] + F.type("spoof 127.0.0.2") + [.enter, .enter], on: &state)
        XCTAssertTrue(state.isEventDetailOpen)
        let detail = ConsoleView.render(state).text
        XCTAssertTrue(detail.contains("the request is judged on its own TLS"), "the message is wrapped, not cut: \(detail)")
        XCTAssertTrue(detail.contains("127.0.0.2:6000"), detail)
        F.press([.character("q")], on: &state)
        XCTAssertFalse(state.isEventDetailOpen)
        XCTAssertEqual(state.screen, .events, "q closes the event before it leaves the screen")
    }
}
