import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// Events in → rows, counters, connection strips; keys → screens, selection, prompts and the
/// requests the host must carry out.
final class ConsoleReducerTests: XCTestCase {
    private typealias F = ConsoleFixtures

    func testRequestsBecomeFlowRowsInArrivalOrder() {
        let state = F.state()
        XCTAssertEqual(state.flows.visibleRows.map(\.record.traceID), ["t-0001", "t-0002", "t-0003", "t-0004", "t-0005", "t-0006"])
        XCTAssertEqual(state.flows.visibleRow(2).time, F.start.addingTimeInterval(3))
    }

    func testCountersCountEveryDecisionClass() {
        let counters = F.state().counters
        XCTAssertEqual(counters.total, 6)
        XCTAssertEqual(counters.ok, 3)
        XCTAssertEqual(counters.unauthorized, 2)
        XCTAssertEqual(counters.forbidden, 1)
        XCTAssertEqual(counters.other, 0)
    }

    func testRequestRateIsAveragedOverTheWindow() {
        let state = F.state()
        // Requests at 2.1, 3, 3.4, 4.2 and 5.2 s fall in the five seconds up to 6 s; 1.2 s does not.
        XCTAssertEqual(state.counters.rate.rate(at: state.now), 1.0, accuracy: 0.0001)
        XCTAssertEqual(state.counters.rate.rate(at: F.start.addingTimeInterval(60)), 0)
    }

    func testConnectionStripShowsFirstOkThenUnauthorized() throws {
        let state = F.state()
        let carol = try XCTUnwrap(state.connections[2])
        XCTAssertEqual(carol.outcomes, [.ok, .unauthorized, .unauthorized])
        XCTAssertEqual(carol.requests, 3)
        XCTAssertEqual(carol.okCount, 1)
        XCTAssertEqual(carol.deniedCount, 2)
        XCTAssertTrue(carol.proxied)
        XCTAssertEqual(carol.tlsVersion, "TLSv1.2")
        XCTAssertEqual(carol.certificateCommonName, "carol")
        XCTAssertEqual(state.connections[4]?.outcomes, [.forbidden])
        XCTAssertEqual(state.connections[1]?.closedReason, "client closed")
        XCTAssertEqual(state.connections[3]?.route, "proxied:client-cert")
    }

    func testRequestOnAnUnseenConnectionCreatesIt() throws {
        var state = ConsoleState(now: F.start)
        let record = RequestRecord(
            traceID: "x", connection: 99, request: 4, method: "GET", path: "/", peer: "10.0.0.9:1", route: "proxied", proxied: true,
            mode: "per-request", certificateSource: "tls", certificate: F.bob, decision: F.allowed("bob", mapping: "m", source: "s", path: "/"), durationMicros: 1)
        ConsoleReducer.apply(.event(CertMapEvent(sequence: 1, time: F.start, kind: .request(record))), to: &state)
        let connection = try XCTUnwrap(state.connections[99])
        XCTAssertEqual(connection.peer, "10.0.0.9:1")
        XCTAssertEqual(connection.requests, 4)
        XCTAssertEqual(connection.certificateCommonName, "bob")
    }

    func testSecurityAndSystemEventsGoToTheEventsList() {
        let lines = F.state().events.lines
        XCTAssertEqual(lines.map(\.label), ["system", "security/spoof"])
        XCTAssertEqual(lines[1].connection, 4)
        XCTAssertEqual(F.state().events.securityCount, 1)
    }

    func testFlowListForgetsOldestRowsBeyondCapacity() {
        var state = ConsoleState(now: F.start, flowCapacity: 16)
        let template = F.events.compactMap { event -> RequestRecord? in if case .request(let r) = event.kind { return r } else { return nil } }[0]
        for index in 0..<80 {
            let record = RequestRecord(
                traceID: "r\(index)", connection: 1, request: index + 1, method: "GET", path: "/", peer: template.peer, route: "direct", proxied: false,
                mode: "per-request", certificateSource: "tls", certificate: template.certificate, decision: template.decision, durationMicros: 1)
            ConsoleReducer.apply(.event(CertMapEvent(sequence: UInt64(index), time: F.start, kind: .request(record))), to: &state)
        }
        XCTAssertLessThanOrEqual(state.flows.rows.count, 16)
        XCTAssertGreaterThanOrEqual(state.flows.rows.count, 14)
        XCTAssertEqual(state.flows.rows.last?.record.traceID, "r79")
        XCTAssertEqual(state.flows.forgotten + state.flows.rows.count, 80)
        XCTAssertEqual(state.flowCursor.selected, state.flows.visibleCount - 1, "follow keeps the newest row selected")
        XCTAssertEqual(state.counters.total, 80, "counters count every request, not only those in memory")
        XCTAssertEqual(state.connections[1]?.outcomes.count, ConnectionSummary.stripCapacity, "the strip keeps the first requests")
        XCTAssertEqual(state.connections[1]?.requests, 80)
    }

    func testOnlyTheNewestRowsKeepTheirTraceAndAnOlderOneSaysWhereToFindIt() {
        var state = ConsoleState(width: 100, height: 30, now: F.start, flowCapacity: 50, tracedFlowCapacity: 4)
        let template = F.events.compactMap { event -> RequestRecord? in if case .request(let r) = event.kind { return r } else { return nil } }[0]
        XCTAssertFalse(template.decision.trace.steps.isEmpty)
        for index in 0..<10 {
            let record = RequestRecord(
                traceID: "r\(index)", connection: 1, request: index + 1, method: "GET", path: "/", peer: template.peer, route: "direct", proxied: false,
                mode: "per-request", certificateSource: "tls", certificate: template.certificate, decision: template.decision, durationMicros: 1)
            ConsoleReducer.apply(.event(CertMapEvent(sequence: UInt64(index), time: F.start, kind: .request(record))), to: &state)
        }
        XCTAssertEqual(state.flows.rows.map(\.traceReleased), Array(repeating: true, count: 6) + Array(repeating: false, count: 4))
        XCTAssertTrue(state.flows.rows[0].record.decision.trace.steps.isEmpty)
        XCTAssertEqual(state.flows.rows[0].record.decision.statusText, template.decision.statusText, "the row keeps everything Live shows")
        XCTAssertEqual(state.flows.rows[0].record.decision.account, template.decision.account)
        XCTAssertEqual(state.flows.rows[9].record, RequestRecord(
            traceID: "r9", connection: 1, request: 10, method: "GET", path: "/", peer: template.peer, route: "direct", proxied: false,
            mode: "per-request", certificateSource: "tls", certificate: template.certificate, decision: template.decision, durationMicros: 1))

        F.press([.character("g"), .enter, .tab, .tab], on: &state)
        XCTAssertEqual(state.detail?.tab, .trace)
        let screen = ConsoleView.render(state).text
        XCTAssertTrue(screen.contains("keeps the trace of its newest 4 requests only"), screen)
    }

    func testFollowModeSelectsNewRowsUntilTheUserMovesUp() {
        var state = F.state()
        XCTAssertEqual(state.flowCursor.selected, 5)
        F.press([.character("k")], on: &state)
        XCTAssertFalse(state.flowCursor.follow)
        ConsoleReducer.apply(.event(F.events[2]), to: &state)
        XCTAssertEqual(state.flowCursor.selected, 4, "not following: the selection stays")
        F.press([.character("G")], on: &state)
        XCTAssertTrue(state.flowCursor.follow)
        XCTAssertEqual(state.flowCursor.selected, 6)
    }

    func testNumberKeysSwitchScreensAndTabCycles() {
        var state = F.state()
        for (key, screen) in [("2", Screen.connections), ("3", .mappings), ("4", .sessions), ("5", .events), ("1", .live)] {
            F.press([.character(Character(key))], on: &state)
            XCTAssertEqual(state.screen, screen)
        }
        F.press([.tab, .tab], on: &state)
        XCTAssertEqual(state.screen, .mappings)
        F.press([.backTab, .backTab, .backTab], on: &state)
        XCTAssertEqual(state.screen, .events)
    }

    func testEnterOpensTheSelectedRequestAndTabWalksTheTabs() {
        var state = F.state()
        F.press([.character("k"), .character("k"), .character("k"), .enter], on: &state)
        XCTAssertEqual(state.detail, RequestDetail(traceID: "t-0003", tab: .request))
        F.press([.tab], on: &state)
        XCTAssertEqual(state.detail?.tab, .certificate)
        F.press([.tab, .tab, .tab], on: &state)
        XCTAssertEqual(state.detail?.tab, .request)
        F.press([.character("!")], on: &state)
        XCTAssertEqual(state.detail?.tab, .diagnosis)
        F.press([.character("q")], on: &state)
        XCTAssertNil(state.detail)
        XCTAssertEqual(state.screen, .live)
    }

    func testDiagnoseOpensTheDiagnosisTabDirectly() {
        var state = F.state()
        F.press([.character("!")], on: &state)
        XCTAssertEqual(state.detail, RequestDetail(traceID: "t-0006", tab: .diagnosis))
    }

    func testDetailScrollingStopsAtTheLastPage() {
        var state = F.state(width: 60, height: 16)
        F.press([.enter, .character("G")], on: &state)
        let lineCount = RequestDetailView.lineCount(state)
        XCTAssertEqual(state.detail?.scroll, max(0, lineCount - (state.pageHeight - 1)))
        F.press([.character("g")], on: &state)
        XCTAssertEqual(state.detail?.scroll, 0)
    }

    func testQuitAsksFirstOnLiveAndGoesBackElsewhere() {
        var state = F.state()
        F.press([.character("5"), .character("q")], on: &state)
        XCTAssertEqual(state.screen, .live)
        XCTAssertTrue(F.press([.character("q")], on: &state).isEmpty)
        XCTAssertEqual(state.confirmation?.action, .quit)
        XCTAssertEqual(F.press([.character("n")], on: &state), [])
        XCTAssertNil(state.confirmation)
        XCTAssertEqual(F.press([.character("q"), .character("y")], on: &state), [.quit])
        XCTAssertEqual(F.press([.character("Q")], on: &state), [.quit])
    }

    func testModeKeyOpensAChooserAndSwitchesOnlyToTheModePicked() {
        var state = F.state()
        XCTAssertEqual(F.press([.character("m")], on: &state), [])
        XCTAssertEqual(state.modeChooser?.current, "legacy-iis4")
        XCTAssertEqual(state.modeChooser?.selected, 1, "the current mode is selected first")
        XCTAssertEqual(F.press([.character("x"), .tab], on: &state), [], "stray keys neither switch nor close")
        XCTAssertNotNil(state.modeChooser)
        XCTAssertEqual(F.press([.character("k"), .enter], on: &state), [.switchMode(to: "per-request")], "legacy-iis4 to per-request never passes per-connection")
        XCTAssertNil(state.modeChooser)
        XCTAssertEqual(state.mode, "legacy-iis4", "the mode shown changes only when the host confirms")
        ConsoleReducer.apply(.modeChanged("per-request"), to: &state)
        XCTAssertEqual(state.mode, "per-request")
        XCTAssertEqual(state.message?.text, "authentication mode is now per-request")
        XCTAssertEqual(F.press([.character("m"), .character("3")], on: &state), [.switchMode(to: "per-connection")], "a digit picks directly")
        XCTAssertEqual(state.message?.severity, .warning, "picking the identity-leaking mode is shown as a warning")
    }

    func testTheModeChooserCancelsOnEscapeAndPickingTheCurrentModeChangesNothing() {
        var state = F.state()
        XCTAssertEqual(F.press([.character("m"), .escape], on: &state), [])
        XCTAssertNil(state.modeChooser)
        XCTAssertEqual(state.message?.text, "mode unchanged (legacy-iis4)")
        XCTAssertEqual(F.press([.character("m"), .enter], on: &state), [])
        XCTAssertEqual(state.message?.text, "already in legacy-iis4")
    }

    func testOnlyYConfirmsAndEnterEscapeOrAnyOtherKeyCancels() {
        for key: Key in [.enter, .escape, .character("n"), .character("x"), .character(" "), .down, .tab] {
            var state = F.state()
            F.press([.character("q")], on: &state)
            XCTAssertEqual(state.confirmation?.text, "Quit certmap? [y/N]")
            XCTAssertEqual(F.press([key], on: &state), [], "\(key) must not quit")
            XCTAssertNil(state.confirmation, "\(key) cancels")
            XCTAssertEqual(state.message?.text, "cancelled")
        }
        var state = F.state()
        XCTAssertEqual(F.press([.character("q"), .character("Y")], on: &state), [.quit])
    }

    func testPauseRequestsTheOppositeOfTheCurrentState() {
        var state = F.state()
        XCTAssertEqual(F.press([.character("p")], on: &state), [.pauseTraffic(true)])
        XCTAssertFalse(state.trafficPaused)
        ConsoleReducer.apply(.trafficPauseChanged(true), to: &state)
        XCTAssertTrue(state.trafficPaused)
        XCTAssertEqual(F.press([.character("p")], on: &state), [.pauseTraffic(false)])
    }

    func testReplayOnARequestAsksTheHostAndEditingWaitsForTheMappings() {
        var state = F.state()
        XCTAssertEqual(F.press([.character("r")], on: &state), [.replayRequest(traceID: "t-0006")])
        XCTAssertEqual(state.message?.text, "replaying t-0006…")
        F.press([.character("3"), .character("e")], on: &state)
        XCTAssertEqual(state.message?.severity, .warning)
        XCTAssertNil(state.configuration)
    }

    func testFilterPromptAppliesAParsedFilter() {
        var state = F.state()
        F.press([.character("f")] + F.type("~s 401") + [.enter], on: &state)
        XCTAssertNil(state.prompt)
        XCTAssertEqual(state.filterText, "~s 401")
        XCTAssertEqual(state.flows.filter, .status("401"))
        XCTAssertEqual(state.flows.visibleRows.map(\.record.traceID), ["t-0003", "t-0004"])
        XCTAssertEqual(state.message?.text, "filter: 2 of 6 requests match")
        ConsoleReducer.apply(.event(F.events[5]), to: &state)
        XCTAssertEqual(state.flows.visibleCount, 3, "new rows are filtered as they arrive")
        F.press([.character("f"), .control("u"), .enter], on: &state)
        XCTAssertNil(state.flows.filter)
        XCTAssertEqual(state.flows.visibleCount, 7)
        XCTAssertEqual(state.message?.text, "filter cleared: all 7 requests shown", "the count of the filter just cleared does not linger")
    }

    func testLiveSaysHowManyOlderRowsItNoLongerKeeps() {
        var state = ConsoleState(width: 120, height: 30, mode: "per-request", now: F.start, timeZone: F.utc, flowCapacity: 8)
        for (index, event) in (F.events + F.events + F.events).enumerated() {
            ConsoleReducer.apply(.event(CertMapEvent(sequence: UInt64(index + 1), time: event.time, kind: event.kind)), to: &state)
        }
        XCTAssertGreaterThan(state.flows.forgotten, 0)
        let status = ConsoleView.render(state).line(28)
        XCTAssertTrue(status.contains("newest \(state.flows.rows.count) of \(state.flows.rows.count + state.flows.forgotten) kept"), status)
    }

    func testFilterParseErrorKeepsThePromptOpenWithTheColumn() {
        var state = F.state()
        F.press([.character("f")] + F.type("~s 401 &") + [.enter], on: &state)
        XCTAssertEqual(state.prompt?.error, FilterError(column: 9, message: "expected a filter term at end of filter").description)
        XCTAssertNil(state.flows.filter)
        F.press([.backspace], on: &state)
        XCTAssertNil(state.prompt?.error, "editing clears the error")
        F.press([.escape], on: &state)
        XCTAssertNil(state.prompt)
    }

    func testSearchJumpsToMatchesAndWraps() {
        var state = F.state()
        F.press([.character("g"), .character("/")] + F.type("~s 401") + [.enter], on: &state)
        XCTAssertEqual(state.flowCursor.selected, 2)
        F.press([.character("n")], on: &state)
        XCTAssertEqual(state.flowCursor.selected, 3)
        F.press([.character("n")], on: &state)
        XCTAssertEqual(state.flowCursor.selected, 2)
        F.press([.character("N")], on: &state)
        XCTAssertEqual(state.flowCursor.selected, 3)
        F.press([.character("/")] + [.control("u")] + F.type("nobody") + [.enter], on: &state)
        XCTAssertEqual(state.message?.text, "no request matches nobody")
    }

    func testEnterOnAConnectionShowsItsRequestsOnLive() {
        var state = F.state()
        F.press([.character("2"), .character("g"), .character("j"), .enter], on: &state)
        XCTAssertEqual(state.screen, .live)
        XCTAssertEqual(state.filterText, "~conn 2")
        XCTAssertEqual(state.flows.visibleRows.map(\.record.traceID), ["t-0002", "t-0003", "t-0004"])
    }

    func testHelpOverlayTakesKeysUntilClosed() {
        var state = F.state(width: 80, height: 24)
        F.press([.character("?")], on: &state)
        XCTAssertTrue(state.isHelpVisible)
        F.press([.character("2"), .character("j")], on: &state)
        XCTAssertEqual(state.screen, .live, "keys under the overlay do nothing")
        XCTAssertEqual(state.helpScroll, 1)
        F.press([.character("?")], on: &state)
        XCTAssertFalse(state.isHelpVisible)
    }

    func testResizeKeepsTheSelectionVisible() {
        var state = F.state(width: 80, height: 24)
        ConsoleReducer.apply(.resize(width: 80, height: 7), to: &state)
        XCTAssertEqual(state.pageHeight, 3)
        XCTAssertEqual(state.flowCursor.selected, 5)
        XCTAssertEqual(state.flowCursor.top, 3)
    }

    func testMessagesExpireOnTick() {
        var state = F.state()
        F.press([.character("r")], on: &state)
        ConsoleReducer.apply(.tick(state.now.addingTimeInterval(4)), to: &state)
        XCTAssertNotNil(state.message)
        ConsoleReducer.apply(.tick(state.now.addingTimeInterval(2)), to: &state)
        XCTAssertNil(state.message)
    }

    func testReduceReturnsANewStateAndLeavesTheOldOneAlone() {
        let before = F.state()
        let (after, requests) = ConsoleReducer.reduce(before, .key(.character("p")))
        XCTAssertEqual(requests, [.pauseTraffic(true)])
        XCTAssertNil(before.message)
        XCTAssertEqual(after.message?.text, "pausing demo traffic…")
    }

    func testDroppedEventsAreShownNotHidden() {
        var state = F.state()
        ConsoleReducer.apply(.droppedEvents(17), to: &state)
        XCTAssertEqual(state.droppedEvents, 17)
        XCTAssertTrue(ConsoleView.render(state).line(22).contains("dropped 17"))
    }
}
