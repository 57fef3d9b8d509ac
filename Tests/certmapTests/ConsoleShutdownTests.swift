import Foundation
import XCTest

/// Quitting the real console while a scenario's clients are connecting, by `Q`, by `q y` or by
/// SIGTERM: the clients stop first, then the proxies, the server and the event loops, and the
/// process exits 0 with nothing on stderr (it used to die on a leaked NIO promise, exit 132).
final class ConsoleShutdownTests: XCTestCase {
    private enum Quit { case capitalQ, askedQuit, sigterm }

    private func quitMidScenario(_ quit: Quit) throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let scratch = certmap.home.deletingLastPathComponent()
        let pidFile = scratch.appendingPathComponent("certmap-pid-\(UUID().uuidString)")
        let stderrFile = scratch.appendingPathComponent("certmap-stderr-\(UUID().uuidString)")
        addTeardownBlock {
            try? FileManager.default.removeItem(at: pidFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        let command = "sh -c 'echo $$ > \"\(pidFile.path)\"; TERM=xterm-256color exec \"\(CertMapProcess.binary.path)\" --home \"\(certmap.home.path)\" --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-journal 2>\"\(stderrFile.path)\"'; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 Live") }, tmux.screen)
        try tmux.send("s")
        try tmux.send("C-u")
        for character in "isolation" { try tmux.send(String(character)) }
        try tmux.send("Enter")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("load-") }, "the scenario's users never appeared: \(tmux.screen)")
        switch quit {
        case .capitalQ:
            try tmux.send("Q")
        case .askedQuit:
            try tmux.send("q")
            XCTAssertNotNil(try tmux.waitFor { $0.contains("Quit certmap? [y/N]") }, tmux.screen)
            try tmux.send("y")
        case .sigterm:
            let pid = try XCTUnwrap(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(pid, SIGTERM)
        }
        XCTAssertNotNil(try tmux.waitFor(seconds: 20) { $0.contains("certmap exited 0") }, "no clean exit: \(tmux.screen)")
        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        XCTAssertFalse(stderr.contains("Fatal error") || stderr.contains("leaking promise") || stderr.contains("Cannot schedule tasks"), stderr)
    }

    func testCapitalQMidScenarioExitsCleanly() throws {
        try quitMidScenario(.capitalQ)
    }

    func testQuitAfterAskingMidScenarioExitsCleanly() throws {
        try quitMidScenario(.askedQuit)
    }

    func testSIGTERMMidScenarioExitsCleanly() throws {
        try quitMidScenario(.sigterm)
    }
}
