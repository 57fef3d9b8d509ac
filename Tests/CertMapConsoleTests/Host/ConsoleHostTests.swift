import CertMapConsole
import CertMapCore
import CertMapJournal
import XCTest

final class ConsoleHostTests: XCTestCase {
    private func state() -> ConsoleState {
        ConsoleState(width: 100, height: 30, mode: "per-request", now: Date(), timeZone: ConsoleFixtures.utc)
    }

    func testBusEventsReachTheLiveScreenAndQuitEndsTheLoop() {
        let bus = EventBus()
        let subscription = bus.subscribe()
        let backend = ScriptedBackend(steps: [.init(waitFor: "/admin/", key: .character("Q"))])
        let host = ConsoleHost(state: state(), backend: backend, driver: RecordingDriver())
        for (_, kind) in ConsoleFixtures.timeline { bus.publish(kind) }
        let exit = host.run(events: subscription)
        XCTAssertEqual(exit, .quit)
        XCTAssertNil(backend.timedOutWaitingFor, backend.lastText)
        XCTAssertTrue(backend.lastText.contains("401.2"), backend.lastText)
        XCTAssertEqual(host.state.flows.rows.count, 6)
    }

    func testAnInboxSubscribedAsASinkFeedsTheLoopWithoutAStreamAndReportsItsTurns() {
        let bus = EventBus()
        let inbox = ConsoleInbox(capacity: 4)
        let sink = inbox.subscribe(to: bus)
        for (_, kind) in ConsoleFixtures.timeline { bus.publish(kind) }
        XCTAssertGreaterThan(inbox.droppedCount, 0, "past its capacity the inbox refuses events and counts them")
        XCTAssertEqual(sink.dropped, inbox.droppedCount)
        let backend = ScriptedBackend(steps: [.init(waitFor: "dropped \(inbox.droppedCount)", key: .character("Q"))])
        let host = ConsoleHost(state: state(), backend: backend, driver: RecordingDriver(), inbox: inbox)
        var turns: [ConsoleTurn] = []
        host.onTurn = { turns.append($0) }
        XCTAssertEqual(host.run(events: nil), .quit)
        XCTAssertNil(backend.timedOutWaitingFor, backend.lastText)
        XCTAssertEqual(turns.first?.actions, 4, "the first turn reduces everything queued at once")
        XCTAssertNotNil(turns.first?.frame, "and draws one frame for it")
        sink.cancel()
    }

    func testModeSwitchGoesToTheDriverAfterConfirmationAndItsAnswerIsShown() {
        let driver = RecordingDriver()
        let backend = ScriptedBackend(steps: [
            .init(waitFor: "mode per-request", key: .character("m")),
            .init(waitFor: "Authentication persistence (now per-request)", key: .character("2")),
            .init(waitFor: "mode legacy-iis4", key: .character("p")),
            .init(waitFor: "demo traffic paused", key: .character("Q")),
        ])
        let host = ConsoleHost(state: state(), backend: backend, driver: driver)
        XCTAssertEqual(host.run(events: nil), .quit)
        XCTAssertNil(backend.timedOutWaitingFor, backend.lastText)
        XCTAssertEqual(driver.requests, [.switchMode(to: "legacy-iis4"), .pauseTraffic(true)])
        XCTAssertTrue(host.state.trafficPaused)
    }

    func testAStopRequestEndsTheLoopWithItsReason() {
        let inbox = ConsoleInbox()
        let backend = ScriptedBackend(steps: [])
        let host = ConsoleHost(state: state(), backend: backend, driver: RecordingDriver(), inbox: inbox)
        inbox.requestStop("SIGTERM")
        XCTAssertEqual(host.run(events: nil), .stopped("SIGTERM"))
    }

    func testAFloodBeyondTheInboxIsDroppedCountedAndShownNeverQueued() {
        let inbox = ConsoleInbox(capacity: 100)
        let record = ConsoleFixtures.timeline[2].1
        for sequence in 1...1_000 {
            inbox.post(event: CertMapEvent(sequence: UInt64(sequence), time: Date(), kind: record))
        }
        let backend = ScriptedBackend(steps: [.init(waitFor: "dropped 900", key: .character("Q"))])
        let host = ConsoleHost(state: state(), backend: backend, driver: RecordingDriver(), inbox: inbox)
        XCTAssertEqual(host.run(events: nil), .quit)
        XCTAssertNil(backend.timedOutWaitingFor, backend.lastText)
        XCTAssertEqual(host.state.flows.rows.count, 100)
        XCTAssertEqual(host.state.droppedEvents, 900)
    }

    func testTheHostAdoptsTheTerminalSizeOnStart() {
        let backend = ScriptedBackend(width: 50, height: 12, steps: [.init(waitFor: "Terminal too small", key: .character("Q"))])
        let host = ConsoleHost(state: state(), backend: backend, driver: RecordingDriver())
        XCTAssertEqual(host.run(events: nil), .quit)
        XCTAssertNil(backend.timedOutWaitingFor, backend.lastText)
        XCTAssertEqual(host.state.width, 50)
    }
}
