import CertMapConsole
import CertMapCore
import CertMapJournal
import XCTest

/// Screen 4: list, save from Live, delete, replay; the host answers are fed back as actions.
final class SessionsScreenTests: XCTestCase {
    private typealias F = ConsoleFixtures

    func testOpeningTheScreenAsksForTheListAndShowsIt() {
        var state = F.state()
        XCTAssertEqual(F.press([.character("4")], on: &state), [.listSessions])
        ConsoleReducer.apply(.sessionsListed([SessionSummary(name: "q190009", requests: 3, connections: 1, decisions: ["1×200", "2×401.2"], unreadable: false)]), to: &state)
        XCTAssertEqual(F.press([.enter], on: &state), [.replaySession("q190009", paused: false, speed: .max)])
        F.press([.character("d")], on: &state)
        XCTAssertEqual(F.press([.character("y")], on: &state), [.deleteSession("q190009")])
    }

    func testSavingLiveAsASessionUsesTheLiveFilterAndChecksTheName() {
        var state = F.state()
        F.press([.character("f")] + F.type("~s 401") + [.enter, .character("4")], on: &state)
        F.press([.character("n")] + F.type("bad name") + [.enter], on: &state)
        XCTAssertNotNil(state.prompt?.error, "a name with a space is refused inline")
        F.press([.control("u")] + F.type("carol-401s"), on: &state)
        XCTAssertEqual(F.press([.enter], on: &state), [.saveSession(name: "carol-401s", filter: "~s 401")])
        XCTAssertNil(state.prompt)
    }

    func testAFinishedReplayIsShownOnTheSessionsScreen() {
        var state = F.state()
        ConsoleReducer.apply(.replayFinished(SessionReplay(title: "session q190009", report: Self.report)), to: &state)
        XCTAssertEqual(state.screen, .sessions)
        XCTAssertEqual(state.message?.text, "replay: 2 of 3 decisions would change")
    }

    func testDotStartsAPausedReplayAndTheKeysThenControlIt() {
        var state = F.state()
        F.press([.character("4")], on: &state)
        ConsoleReducer.apply(.sessionsListed([SessionSummary(name: "q190009", requests: 3, connections: 1, decisions: [], unreadable: false)]), to: &state)
        XCTAssertEqual(F.press([.character(">")], on: &state), [], "with no replay running, > picks the next replay's speed")
        XCTAssertEqual(state.replaySpeed, .factor(1))
        XCTAssertEqual(F.press([.character(".")], on: &state), [.replaySession("q190009", paused: true, speed: .factor(1))])

        ConsoleReducer.apply(.replayStarted(SessionReplay(title: "session q190009", mode: "per-request", generation: 2, playback: ReplayPlayback(total: 3, paused: true, speed: .factor(1)))), to: &state)
        XCTAssertEqual(F.press([.character(".")], on: &state), [.controlReplay(.step)])
        XCTAssertEqual(F.press([.character(" ")], on: &state), [.controlReplay(.togglePause)])
        XCTAssertEqual(F.press([.character("c")], on: &state), [.controlReplay(.resume)])
        XCTAssertEqual(F.press([.character(">")], on: &state), [.controlReplay(.nextSpeed)])
        XCTAssertEqual(F.press([.enter], on: &state), [], "one replay at a time")
        XCTAssertEqual(state.message?.severity, .warning)
        XCTAssertEqual(F.press([.character("x")], on: &state), [.controlReplay(.stop)])
    }

    func testOutcomesAndPlaybackArriveOneByOneThenTheFinalReportReplacesThem() {
        var state = F.state()
        let outcomes = Self.report.outcomes
        ConsoleReducer.apply(.replayStarted(SessionReplay(title: "session q190009", mode: "per-request", generation: 2, playback: ReplayPlayback(total: 3, paused: true))), to: &state)
        XCTAssertEqual(state.screen, .sessions)
        ConsoleReducer.apply(.replayAnswered(outcomes[0]), to: &state)
        ConsoleReducer.apply(.replayAnswered(outcomes[1]), to: &state)
        var playback = ReplayPlayback(total: 3, paused: true)
        for _ in 0..<2 {
            playback.step()
            _ = playback.admit(recordedGap: 0, waited: 0)
            playback.answered()
        }
        ConsoleReducer.apply(.replayPlayback(playback), to: &state)
        XCTAssertEqual(state.replay?.report.changedCount, 1)
        XCTAssertEqual(state.replay?.playback.line, "paused at 2/3 · max")
        XCTAssertTrue(ConsoleView.render(state).text.contains("paused at 2/3"))

        let stopped = ReplayReport(mode: "per-request", generation: 2, outcomes: Array(outcomes.prefix(2)), planned: 3, stopped: true)
        ConsoleReducer.apply(.replayFinished(SessionReplay(title: "session q190009", report: stopped)), to: &state)
        XCTAssertEqual(state.replay?.playback.state, .stopped)
        XCTAssertEqual(state.message?.text, "replay: stopped after 2 of 3; 1 of 2 decisions would change")
        XCTAssertEqual(F.press([.character("x")], on: &state), [], "nothing left to stop")
    }

    func testALongReplayKeepsItsNewestRowInView() throws {
        var state = F.state(width: 80, height: 24)
        let rows = (1...40).map { #"{"connection":1,"request":\#($0),"method":"GET","path":"/p/\#($0)","was":"200","now":"200","nowReason":"allowed","certificateMissing":false}"# }
        let report = try JSONDecoder().decode(ReplayReport.self, from: Data(#"{"mode":"per-request","generation":1,"planned":40,"stopped":false,"outcomes":[\#(rows.joined(separator: ","))]}"#.utf8))
        ConsoleReducer.apply(.replayFinished(SessionReplay(title: "session long", report: report)), to: &state)
        let screen = ConsoleView.render(state).text
        XCTAssertTrue(screen.contains("/p/40"), screen)
        XCTAssertTrue(screen.contains("Replay of session long") && screen.contains("finished 40/40"), "the header stays: \(screen)")
        XCTAssertFalse(screen.contains("/p/1 "), screen)
    }

    static let report: ReplayReport = {
        let data = Data("""
            {"mode":"per-request","generation":2,"outcomes":[
              {"connection":2,"request":1,"method":"GET","path":"/portal/","identity":"carol","was":"200","wasAccount":"carol","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false},
              {"connection":2,"request":2,"method":"GET","path":"/portal/inbox","identity":"carol","was":"401.2","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false},
              {"connection":2,"request":3,"method":"GET","path":"/portal/styles.css","identity":"carol","was":"401.2","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false}],
             "planned":3,"stopped":false}
            """.utf8)
        return try! JSONDecoder().decode(ReplayReport.self, from: data)
    }()
}

/// `s`: pick a scenario by name; the host runs it and reports how it went.
final class ScenarioKeyTests: XCTestCase {
    func testSStartsTheNamedScenarioAndItsOutcomeIsShown() {
        var state = ConsoleFixtures.state()
        ConsoleFixtures.press([.character("s")], on: &state)
        XCTAssertEqual(state.prompt?.text, "q190009", "the classic is offered first")
        let requests = ConsoleFixtures.press([.control("u")] + ConsoleFixtures.type("pooled-proxy") + [.enter], on: &state)
        XCTAssertEqual(requests, [.startScenario("pooled-proxy")])
        ConsoleReducer.apply(.notice("scenario pooled-proxy under per-request: 100 request(s), 100×200; 0 misattributed"), to: &state)
        XCTAssertEqual(state.message?.text, "scenario pooled-proxy under per-request: 100 request(s), 100×200; 0 misattributed")
    }
}
