import Foundation
import XCTest

/// `kill -9` while `certmap serve` records: the journal keeps everything older than the flush
/// interval (one second), a restart appends to it, and reading it loses at most a torn line.
final class JournalCrashTests: XCTestCase {
    func testSIGKILLLosesAtMostTheLastSecondAndRestartsCleanly() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        var answered = 0
        for round in 1...3 {
            let serve = try ServeProcess(self, certmap: certmap, arguments: ["--mode", "per-request"])
            for _ in 0..<4 {
                XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/", "/a"]), "200 200", "round \(round)")
                answered += 2
            }
            // Well older than the one-second flush interval (with margin for a loaded machine): must survive the kill.
            usleep(2_500_000)
            // Traffic in flight at the moment of the kill may be lost, never the records above.
            let inFlight = Process()
            inFlight.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            inFlight.arguments = ["-s", "-o", "/dev/null", "--cacert", certmap.pki.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(serve.port):127.0.0.1",
                "--cert", certmap.pki.appendingPathComponent("bob.crt").path, "--key", certmap.pki.appendingPathComponent("bob.key").path]
                + Array(repeating: "https://localhost:\(serve.port)/", count: 50)
            inFlight.standardOutput = FileHandle.nullDevice
            inFlight.standardError = FileHandle.nullDevice
            try inFlight.run()
            usleep(UInt32.random(in: 20_000...200_000))
            kill(serve.process.processIdentifier, SIGKILL)
            serve.process.waitUntilExit()
            inFlight.waitUntilExit()
            XCTAssertEqual(serve.process.terminationReason, .uncaughtSignal)

            let replay = try certmap.run(["replay", "--dry-run", "--identity", "alice", "--json"])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any], replay.stdout)
            let outcomes = try XCTUnwrap(report["outcomes"] as? [[String: Any]])
            XCTAssertEqual(outcomes.count, answered, "round \(round): every answered alice request older than a second is in the journal")
            let torn = replay.stderr.split(separator: "\n").filter { $0.contains("skipped") || $0.contains("torn") || $0.contains("corrupt") }
            XCTAssertLessThanOrEqual(torn.count, round, "at most one torn line per kill: \(replay.stderr)")
        }
    }
}
