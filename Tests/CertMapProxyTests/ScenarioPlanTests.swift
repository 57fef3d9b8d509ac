import CertMapProxy
import XCTest

/// A scenario's report says what it planned against what was asked: whole plans below the bound,
/// and rounds of the plan when `--requests` asks for more than one round holds.
final class ScenarioPlanTests: XCTestCase {
    func testThePlanSentenceStatesRoundsAndTheBound() {
        XCTAssertEqual(
            ScenarioReport.Plan(requestsPerRound: 100, rounds: 200, planned: 20_000, bound: 20_000).sentence,
            "planned 20000 request(s): 200 rounds of the scenario's 100-request plan, up to the bound of 20000")
        XCTAssertEqual(
            ScenarioReport.Plan(requestsPerRound: 100, rounds: 1, planned: 100, bound: 1_000).sentence,
            "planned 100 request(s): the scenario's whole plan, below the bound of 1000")
        XCTAssertNil(ScenarioReport.Plan(requestsPerRound: 100, rounds: 1, planned: 50, bound: 50).sentence)
    }
}
