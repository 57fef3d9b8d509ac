import Foundation
import XCTest

/// Proving a fix by replay: a Q190009 session recorded under legacy-iis4, replayed in process.
final class ReplayCommandTests: XCTestCase {
    private func recordQ190009Session() throws -> CertMapProcess {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--mode", "legacy-iis4"])
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/", "/img/1.png", "/img/2.png"], headers: ["Via: 1.1 squid"]), "200 401 401")
        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/"]), "401")
        XCTAssertEqual(serve.stop(), 0)
        return certmap
    }

    func testReplayUnderPerRequestTurnsEveryLegacy401IntoAlice() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--identity", "alice"])
        XCTAssertEqual(replay.status, 1, "changes without --expect-changes exit 1: \(replay.stderr)")
        XCTAssertTrue(replay.stdout.contains("2 of 3 decision(s) changed:"), replay.stdout)
        XCTAssertTrue(replay.stdout.contains("2 × 401.2 → 200 alice"), replay.stdout)
        let expected = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--identity", "alice", "--expect-changes"])
        XCTAssertEqual(expected.status, 0, expected.stderr)
    }

    func testStepTakesOneRequestPerLineOnStdinAndStopsOnQ() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--identity", "alice", "--step"], input: "s\n\nq\n")
        XCTAssertEqual(replay.status, 1, "a stopped replay exits 1: \(replay.stderr)")
        let rows = replay.stdout.split(separator: "\n").filter { $0.hasPrefix("1     ") }
        XCTAssertEqual(rows.count, 2, replay.stdout)
        XCTAssertTrue(rows[1].contains("401.2") && rows[1].contains("200 alice") && rows[1].hasSuffix("changed"), String(rows[1]))
        XCTAssertTrue(replay.stdout.contains("stopped after 2 of 3 request(s)"), replay.stdout)
        XCTAssertTrue(replay.stderr.contains("replay: paused at 0/3"), replay.stderr)
        XCTAssertTrue(replay.stderr.contains("replay: stopped at 2/3"), replay.stderr)
    }

    func testStepWithNoInputRunsToTheEndInsteadOfWaiting() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--identity", "alice", "--step", "--expect-changes"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stderr.contains("input ended; the replay continues to its end"), replay.stderr)
        XCTAssertTrue(replay.stdout.contains("2 of 3 decision(s) changed:"), replay.stdout)
    }

    func testStepThenContinueOverTheNetworkKeepsTheConnectionsGrouping() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--mode", "per-request", "--step", "--expect-changes"], input: "s\nc\n")
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains("2 × 401.2 → 200 alice"), replay.stdout)
        XCTAssertFalse(replay.stdout.contains("new connection"), "stepping must not split a kept-alive connection: \(replay.stdout)")
        XCTAssertTrue(replay.stderr.contains("replay: running 1/4"), replay.stderr)
    }

    func testReplayUnderTheRecordedModeChangesNothingAndKeepsConnectionGrouping() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "legacy-iis4", "--json"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any])
        let outcomes = try XCTUnwrap(report["outcomes"] as? [[String: Any]])
        XCTAssertEqual(outcomes.map { $0["now"] as? String }, ["200", "401.2", "401.2", "401.2"])
        XCTAssertEqual(outcomes.map { $0["connection"] as? Int }, [1, 1, 1, 2])
        XCTAssertEqual(outcomes.map { $0["request"] as? Int }, [1, 2, 3, 1])
    }

    func testExportedHARIsValidHAR12AndReplaysOnItsOwn() throws {
        let certmap = try recordQ190009Session()
        let file = certmap.home.appendingPathComponent("q190009.har")
        let export = try certmap.run(["export", "har", "--identity", "alice", "-o", file.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stderr.contains("wrote 3 entries"), export.stderr)

        let har = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let log = try XCTUnwrap(har["log"] as? [String: Any])
        XCTAssertEqual(log["version"] as? String, "1.2")
        XCTAssertEqual((log["creator"] as? [String: Any])?["name"] as? String, "certmap")
        let entries = try XCTUnwrap(log["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 3)
        for key in ["startedDateTime", "time", "request", "response", "cache", "timings", "_certmap"] {
            XCTAssertNotNil(entries[0][key], "HAR 1.2 entries need \(key)")
        }
        let response = try XCTUnwrap(entries[1]["response"] as? [String: Any])
        XCTAssertEqual(response["status"] as? Int, 401)
        let headers = try XCTUnwrap(response["headers"] as? [[String: String]])
        XCTAssertTrue(headers.contains(["name": "X-CertMap-Decision", "value": "401.2"]))
        let certmapFields = try XCTUnwrap(entries[0]["_certmap"] as? [String: Any])
        XCTAssertNotNil(certmapFields["certificateDER"] as? String, "the certificate travels with the HAR")
        XCTAssertTrue((entries[0]["startedDateTime"] as? String)?.hasPrefix("20") ?? false)

        let replay = try certmap.run(["replay", "--dry-run", "--har", file.path, "--mode", "per-request", "--expect-changes"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains("2 × 401.2 → 200 alice"), replay.stdout)
    }

    func testNamedSessionsAreSavedListedReplayedAndDeleted() throws {
        let certmap = try recordQ190009Session()
        let save = try certmap.run(["sessions", "save", "q190009-alice", "--identity", "alice"])
        XCTAssertEqual(save.status, 0, save.stderr)
        XCTAssertTrue(save.stdout.contains("3 request(s) on 1 connection(s)"), save.stdout)
        let again = try certmap.run(["sessions", "save", "q190009-alice", "--identity", "alice"])
        XCTAssertNotEqual(again.status, 0, "an existing session is not replaced without --force")
        let list = try certmap.run(["sessions", "list"])
        XCTAssertTrue(list.stdout.contains("q190009-alice") && list.stdout.contains("1×200 2×401.2"), list.stdout)
        let replay = try certmap.run(["replay", "q190009-alice", "--dry-run", "--mode", "per-request", "--expect-changes"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains("2 × 401.2 → 200 alice"), replay.stdout)
        XCTAssertEqual(try certmap.run(["sessions", "delete", "q190009-alice"]).status, 0)
        XCTAssertTrue(try certmap.run(["sessions", "list"]).stdout.hasPrefix("no saved sessions"))
        let missing = try certmap.run(["replay", "q190009-alice", "--dry-run"])
        XCTAssertTrue(missing.stderr.contains("no session named \"q190009-alice\""), missing.stderr)
    }

    func testAnExportedHARImportsAsANamedSessionAndExportsAgainBySessionName() throws {
        let certmap = try recordQ190009Session()
        let file = certmap.home.appendingPathComponent("from-elsewhere.har")
        XCTAssertEqual(try certmap.run(["export", "har", "--identity", "alice", "-o", file.path]).status, 0)
        let imported = try certmap.run(["sessions", "import", file.path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("imported session \"from-elsewhere\": 3 request(s) on 1 connection(s)"), imported.stdout)
        let replay = try certmap.run(["replay", "from-elsewhere", "--dry-run", "--mode", "per-request", "--expect-changes"])
        XCTAssertTrue(replay.stdout.contains("2 × 401.2 → 200 alice"), replay.stdout)
        let exported = try certmap.run(["export", "har", "--session", "from-elsewhere", "--filter", "~s 401"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let har = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])
        let entries = try XCTUnwrap((har["log"] as? [String: Any])?["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { ($0["_certmap"] as? [String: Any])?["context"] as? Bool }, [true, nil, nil], "the two 401s, and the connection's first request as context")

        let notHAR = certmap.home.appendingPathComponent("notes.har")
        try Data("hello".utf8).write(to: notHAR)
        let bad = try certmap.run(["sessions", "import", notHAR.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not a HAR file written by certmap export har"), bad.stderr)
    }

    func testConsoleFilterExpressionsSelectTheSession() throws {
        let certmap = try recordQ190009Session()
        let replay = try certmap.run(["replay", "--dry-run", "--mode", "per-request", "--filter", "~s 401 & ~route proxied", "--json", "--expect-changes"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any])
        let outcomes = try XCTUnwrap(report["outcomes"] as? [[String: Any]])
        XCTAssertEqual(outcomes.map { $0["path"] as? String }, ["/", "/img/1.png", "/img/2.png"])
        XCTAssertEqual(outcomes.map { $0["context"] as? Bool }, [true, false, false], "the tunnel's first request is replayed as context, so the 401s are re-decided where they happened")
        let bad = try certmap.run(["replay", "--dry-run", "--filter", "~s 401 &"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--filter \"~s 401 &\": column"), bad.stderr)
    }

    func testReplaySelectionErrorsAreOneClearLine() throws {
        let certmap = try recordQ190009Session()
        let nothing = try certmap.run(["replay", "--dry-run", "--connection", "99"])
        XCTAssertNotEqual(nothing.status, 0)
        XCTAssertTrue(nothing.stderr.contains("no recorded request matches the selection"), nothing.stderr)
        let pace = try certmap.run(["replay", "--speed", "fast"])
        XCTAssertNotEqual(pace.status, 0)
        XCTAssertTrue(pace.stderr.contains("--speed \"fast\": give 1 (as recorded), 10 (ten times faster), any factor up to 1000, or max"), pace.stderr)
        XCTAssertEqual(pace.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count, 1, pace.stderr)
    }
}
