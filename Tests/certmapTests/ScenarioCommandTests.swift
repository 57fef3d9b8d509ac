import Foundation
import XCTest

/// `certmap scenario` through the real binary: in-process server and proxies, a table, a verdict.
final class ScenarioCommandTests: XCTestCase {
    func testPooledProxyUnderPerConnectionExitsNonZeroAndNamesTheLeak() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let leaky = try certmap.run(["scenario", "run", "pooled-proxy", "--mode", "per-connection", "--no-journal"])
        XCTAssertEqual(leaky.status, 1, leaky.stderr)
        XCTAssertTrue(leaky.stdout.contains("was answered as"), leaky.stdout)
        XCTAssertTrue(leaky.stderr.contains("were answered with another user's identity"), leaky.stderr)
        let fixed = try certmap.run(["scenario", "run", "pooled-proxy", "--mode", "per-request", "--json", "--no-journal"])
        XCTAssertEqual(fixed.status, 0, fixed.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fixed.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((report["misattributions"] as? [Any])?.count, 0)
        XCTAssertEqual(report["requests"] as? Int, 100)
    }

    func testDiagnoseReportsThePooledLeakAsMisattributionNotNothingToFix() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        XCTAssertEqual(try certmap.run(["scenario", "run", "pooled-proxy", "--mode", "per-connection"]).status, 1)
        let diagnose = try certmap.run(["diagnose", "--json"])
        XCTAssertEqual(diagnose.status, 0, diagnose.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(diagnose.stdout.utf8)) as? [String: Any], diagnose.stdout)
        XCTAssertGreaterThan(report["misattributed"] as? Int ?? 0, 0, diagnose.stdout)
        let causes = try XCTUnwrap(report["causes"] as? [[String: Any]])
        XCTAssertEqual(causes.first?["kind"] as? String, "misattributed", "\(causes)")
        XCTAssertTrue((causes.first?["fix"] as? String)?.contains("per-request") ?? false)
        let text = try certmap.run(["diagnose"])
        XCTAssertTrue(text.stdout.contains("answered with another user's identity"), text.stdout)
        XCTAssertFalse(text.stdout.contains("nothing to fix"), text.stdout)
    }

    func testQ190009IsRecordedInTheJournalAndDiagnosed() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let run = try certmap.run(["scenario", "run", "q190009"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("401.2      8"), run.stdout)
        let diagnose = try certmap.run(["diagnose"])
        XCTAssertTrue(diagnose.stdout.contains("Q190009") || diagnose.stdout.contains("legacy"), diagnose.stdout)
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--expect-changes"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains("8 × 401.2 → 200 alice"), replay.stdout)
        let network = try certmap.run(["replay", "--mode", "per-request", "--expect-changes"])
        XCTAssertEqual(network.status, 0, network.stderr)
        XCTAssertTrue(network.stdout.hasPrefix("network replay under per-request"), network.stdout)
        XCTAssertTrue(network.stdout.contains("8 × 401.2 → 200 alice"), network.stdout)
        let unchanged = try certmap.run(["replay", "--mode", "legacy-iis4"])
        XCTAssertEqual(unchanged.status, 0, "the same mode over the network gives the same answers: \(unchanged.stdout)")
    }

    func testListAndUnknownNames() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let list = try certmap.run(["scenario", "list"])
        for name in ["q190009", "pooled-proxy", "header-spoofing", "expired-and-revoked", "mixed-load"] {
            XCTAssertTrue(list.stdout.contains(name), list.stdout)
        }
        let unknown = try certmap.run(["scenario", "run", "nope"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no scenario named \"nope\""), unknown.stderr)
    }

    func testHeaderSpoofingPassesWhenNoForgedIdentityIsBelieved() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let run = try certmap.run(["scenario", "run", "header-spoofing", "--json", "--no-journal"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["requests"] as? Int, 36, "three clients × four forwarded formats × three routes")
        XCTAssertEqual(report["forgedAccepted"] as? Int, 0)
        XCTAssertEqual(report["byDecision"] as? [String: Int], ["403.7": 12, "401.2": 12, "200": 12], "each judged on its own TLS identity")
        XCTAssertEqual(report["byRoute"] as? [String: Int], ["direct": 12, "forward": 12, "reverse": 12])
    }

    func testHeaderSpoofingFailsWithExitOneWhenAForgedIdentityIsBelieved() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        // A careless operator makes every local client a certificate forwarder.
        let file = certmap.home.appendingPathComponent("config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var server = config["server"] as? [String: Any] ?? [:]
        server["certificateForwarders"] = [["name": "careless", "address": "127.0.0.1", "addressOnly": true]]
        config["server"] = server
        try JSONSerialization.data(withJSONObject: config).write(to: file)
        let run = try certmap.run(["scenario", "run", "header-spoofing", "--json", "--no-journal"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertGreaterThanOrEqual(report["forgedAccepted"] as? Int ?? 0, 4, run.stdout)
    }

    func testAScenarioFileWithAMistakeIsNamedByFileAndField() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let directory = certmap.home.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("mine.json")
        try Data(#"{"name": "mine", "summary": "alice sideways", "groups": [{"identity": "alice", "route": "sideways", "paths": ["/"]}]}"#.utf8).write(to: file)
        let list = try certmap.run(["scenario", "list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("q190009"), list.stdout)
        XCTAssertTrue(list.stderr.contains("\(file.path): groups[0].route: unknown \"sideways\"; expected one of direct, forward, reverse"), list.stderr)
        let run = try certmap.run(["scenario", "run", "mine", "--no-journal"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("mine.json: groups[0].route: unknown \"sideways\""), run.stderr)

        try Data(#"{"name": "mine", "summary": "alice twice", "groups": [{"identity": "alice", "route": "direct", "paths": ["/", "/a"]}], "concurrency": 1}"#.utf8).write(to: file)
        let fixed = try certmap.run(["scenario", "run", "mine", "--no-journal"])
        XCTAssertEqual(fixed.status, 0, fixed.stderr)
        XCTAssertTrue(fixed.stdout.hasPrefix("scenario mine under per-request: 2 request(s)"), fixed.stdout)
        XCTAssertTrue(fixed.stdout.contains("200        2"), fixed.stdout)
    }
}
