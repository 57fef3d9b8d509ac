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
        XCTAssertEqual(F.press([.enter], on: &state), [.replaySession("q190009")])
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

    static let report: ReplayReport = {
        let data = Data("""
            {"mode":"per-request","generation":2,"outcomes":[
              {"connection":2,"request":1,"method":"GET","path":"/portal/","identity":"carol","was":"200","wasAccount":"carol","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false},
              {"connection":2,"request":2,"method":"GET","path":"/portal/inbox","identity":"carol","was":"401.2","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false},
              {"connection":2,"request":3,"method":"GET","path":"/portal/styles.css","identity":"carol","was":"401.2","now":"200","nowAccount":"carol","nowReason":"allowed","certificateMissing":false}]}
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
