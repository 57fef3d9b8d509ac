import Foundation
import XCTest

/// Replay tells the truth: a session replayed under the mode it was recorded in, with the same
/// mappings, changes nothing — for every built-in scenario, dry-run and over the network, and
/// for a journal holding several runs whose connection numbers all start at 1.
final class ReplayFidelityTests: XCTestCase {
    private struct Replayed {
        let changed: Int
        let outcomes: Int
        let transitions: String
    }

    private func replay(_ certmap: CertMapProcess, mode: String, dryRun: Bool) throws -> Replayed {
        let result = try certmap.run(["replay", "--mode", mode, "--json"] + (dryRun ? ["--dry-run"] : []))
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout + result.stderr)
        let outcomes = report["outcomes"] as? [[String: Any]] ?? []
        let changed = outcomes.filter { ($0["context"] as? Bool) != true && ($0["was"] as? String != $0["now"] as? String || $0["wasAccount"] as? String != $0["nowAccount"] as? String) }
        let transitions = changed.prefix(5).map { "\($0["path"] ?? "?") \($0["was"] ?? "?") \($0["wasAccount"] ?? "") → \($0["now"] ?? "?") \($0["nowAccount"] ?? "")" }.joined(separator: "; ")
        XCTAssertEqual(result.status, changed.isEmpty ? 0 : 1, "exit status follows the changes: \(result.stderr)")
        return Replayed(changed: changed.count, outcomes: outcomes.count, transitions: transitions)
    }

    func testEveryBuiltInScenarioReplaysUnderItsOwnModeWithoutAChange() throws {
        let scenarios: [(name: String, mode: String, extra: [String], network: Bool)] = [
            ("q190009", "legacy-iis4", [], true),
            // Which pooled upstream connection a request shares depends on scheduling, so only the
            // dry run (which replays the recorded connections exactly) can reproduce the leak.
            ("pooled-proxy", "per-connection", [], false),
            ("header-spoofing", "per-request", [], true),
            ("expired-and-revoked", "per-request", [], true),
            ("mixed-load", "per-request", [], true),
            ("isolation", "per-request", ["--requests", "300"], true),
            ("demo", "per-request", [], true),
        ]
        for scenario in scenarios {
            let certmap = try CertMapProcess.withTemporaryHome(self)
            let run = try certmap.run(["scenario", "run", scenario.name, "--mode", scenario.mode] + scenario.extra)
            XCTAssertTrue(run.status == 0 || scenario.name == "pooled-proxy", "\(scenario.name): \(run.stdout) \(run.stderr)")
            let dry = try replay(certmap, mode: scenario.mode, dryRun: true)
            XCTAssertGreaterThan(dry.outcomes, 0, scenario.name)
            XCTAssertEqual(dry.changed, 0, "\(scenario.name) dry-run: \(dry.transitions)")
            if scenario.network {
                let network = try replay(certmap, mode: scenario.mode, dryRun: false)
                XCTAssertEqual(network.outcomes, dry.outcomes, scenario.name)
                XCTAssertEqual(network.changed, 0, "\(scenario.name) network: \(network.transitions)")
            }
        }
    }

    func testAJournalOfSeveralRunsKeepsTheirConnectionsApart() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        for _ in 0..<3 {
            XCTAssertEqual(try certmap.run(["scenario", "run", "q190009"]).status, 0)
        }
        let dry = try replay(certmap, mode: "legacy-iis4", dryRun: true)
        XCTAssertEqual(dry.outcomes, 30, "three runs of 10 requests in one journal")
        XCTAssertEqual(dry.changed, 0, "each run's connection 1 is its own: \(dry.transitions)")
        // Trace ids start again in every run too: a filtered selection must still tell them apart.
        let filtered = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--filter", "~d 401.2", "--expect-changes"])
        XCTAssertTrue(filtered.stdout.contains("24 of 24 decision(s) changed; +6 earlier request(s) of those connections replayed as context"), filtered.stdout)
    }

    func testAFilteredSelectionReplaysTheConnectionsEarlierRequestsAsContext() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        XCTAssertEqual(try certmap.run(["scenario", "run", "q190009"]).status, 0)
        let same = try certmap.run(["replay", "--dry-run", "--mode", "legacy-iis4", "--filter", "~d 401.2"])
        XCTAssertEqual(same.status, 0, "under the recorded mode nothing changed: \(same.stdout)")
        XCTAssertTrue(same.stdout.contains("no decision changed (8 request(s); +2 earlier request(s) of those connections replayed as context)"), same.stdout)
        let fixed = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--filter", "~d 401.2", "--expect-changes"])
        XCTAssertEqual(fixed.status, 0, fixed.stdout)
        XCTAssertTrue(fixed.stdout.contains("8 of 8 decision(s) changed"), fixed.stdout)
        XCTAssertTrue(fixed.stdout.contains("8 × 401.2 → 200 alice"), fixed.stdout)
    }
}
