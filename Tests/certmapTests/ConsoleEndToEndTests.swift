import Foundation
import XCTest

/// The real `certmap` console binary in a real terminal (tmux), driven by keys like an operator.
final class ConsoleEndToEndTests: XCTestCase {
    func testOperatorSwitchesToLegacyModeOpensThe401AndReadsTheDiagnosis() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-demo --no-journal 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        let live = try tmux.waitFor { $0.contains("1 Live") && $0.contains("No requests yet") }
        XCTAssertNotNil(live, "the Live screen did not appear: \(tmux.screen)")

        try tmux.send("5")
        let events = try tmux.waitFor { $0.contains("HTTPS server listening on 127.0.0.1:") }
        let port = try XCTUnwrap(events.flatMap(Self.listeningPort), "no listening event on the Events screen: \(tmux.screen)")
        try tmux.send("1")

        try tmux.send("m")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Authentication persistence (now per-request)") && $0.contains("Q190009") }, tmux.screen)
        try tmux.send("2")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("mode legacy-iis4") }, tmux.screen)

        let codes = try curl(certmap, port: port, user: "alice", paths: ["/", "/img/1.png"], headers: ["Via: 1.1 squid"])
        XCTAssertEqual(codes, "200 401")
        let flows = try tmux.waitFor { $0.contains("401.2") }
        XCTAssertNotNil(flows, "the 401 did not reach the Live screen: \(tmux.screen)")

        // Follow mode keeps the newest request (the 401) selected; `!` opens its diagnosis.
        try tmux.send("!")
        let diagnosis = try tmux.waitFor { $0.contains("Diagnosis") && $0.contains("KB Q190009") && $0.contains("Switch authentication persistence to per-request") }
        XCTAssertNotNil(diagnosis, "no diagnosis: \(tmux.screen)")

        try tmux.resize(width: 50, height: 12)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Terminal too small") }, tmux.screen)
        try tmux.resize(width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Auth trace") && !$0.contains("Terminal too small") }, tmux.screen)

        try tmux.send("q")
        try tmux.send("q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Quit certmap? [y/N]") }, tmux.screen)
        try tmux.send("Enter")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("cancelled") && $0.contains("1 Live") }, "Enter must not quit: \(tmux.screen)")
        try tmux.send("q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Quit certmap? [y/N]") }, tmux.screen)
        try tmux.send("y")
        let exited = try tmux.waitFor { $0.contains("certmap exited 0") }
        XCTAssertNotNil(exited, "the console did not exit cleanly: \(tmux.screen)")
        XCTAssertFalse(exited?.contains("1 Live") ?? true, "the terminal was not restored (the console is still on screen)")
    }

    func testConsoleStopsCleanlyOnSIGTERMAndRestoresTheTerminal() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let pidFile = certmap.home.deletingLastPathComponent().appendingPathComponent("certmap-pid-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: pidFile) }
        // The inner shell records its pid and then becomes certmap (exec), in the foreground of the pane.
        let command = "sh -c 'echo $$ > \"\(pidFile.path)\"; TERM=xterm-256color exec \"\(CertMapProcess.binary.path)\" --home \"\(certmap.home.path)\" --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-demo --no-journal'; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 80, height: 24)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 Live") }, tmux.screen)
        let pid = try XCTUnwrap(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let exited = try tmux.waitFor { $0.contains("certmap exited 0") }
        XCTAssertNotNil(exited, "no clean exit on SIGTERM: \(tmux.screen)")
        XCTAssertTrue(exited?.contains("stopped (SIGTERM)") ?? false, exited ?? "")
    }

    func testDemoTrafficShowsEveryRouteAtOnceAndPauses() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-journal 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        let live = try tmux.waitFor { $0.contains(" direct ") && $0.contains(" forward ") && $0.contains(" reverse ") }
        XCTAssertNotNil(live, "demo traffic on all three routes: \(tmux.screen)")
        try tmux.send("p")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("PAUSED") && $0.contains("demo traffic paused") }, tmux.screen)
        try tmux.send("Q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("certmap exited 0") }, tmux.screen)
    }

    func testOperatorStepsThroughARecordedQ190009SessionThenLetsItRun() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let recorded = try certmap.run(["scenario", "run", "q190009", "--mode", "legacy-iis4"])
        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        XCTAssertEqual(try certmap.run(["sessions", "save", "q", "--identity", "alice"]).status, 0)
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-demo --no-journal 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 Live") }, tmux.screen)
        try tmux.send("4")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("2×200 8×401.2") }, tmux.screen)
        try tmux.send(".")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("paused at 0/10") }, tmux.screen)
        try tmux.send(".")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("paused at 1/10") }, tmux.screen)
        try tmux.send(".")
        let stepped = try tmux.waitFor { $0.contains("paused at 2/10") }
        XCTAssertNotNil(stepped, tmux.screen)
        XCTAssertTrue(stepped?.contains("401.2 → 200 alice") ?? false, "the second request's diff shows as soon as it is decided: \(tmux.screen)")
        try tmux.send("c")
        let finished = try tmux.waitFor { $0.contains("finished 10/10") }
        XCTAssertNotNil(finished, tmux.screen)
        XCTAssertTrue(finished?.contains("8 of 10 changed") ?? false, tmux.screen)
        try tmux.send("Q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("certmap exited 0") }, tmux.screen)
    }

    func testConsoleWithoutATerminalSaysSoInOneLine() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let result = try certmap.run(["--listen", "127.0.0.1:0", "--no-demo"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("needs a terminal") && result.stderr.contains("certmap serve"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: certmap.home.path), "nothing should be created when the console cannot start")
    }

    private static func listeningPort(_ screen: String) -> Int? {
        guard let range = screen.range(of: "listening on 127.0.0.1:") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber })
    }

    private func curl(_ certmap: CertMapProcess, port: Int, user: String, paths: [String], headers: [String]) throws -> String {
        var arguments = ["-sS", "--cacert", certmap.pki.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(port):127.0.0.1",
            "--cert", certmap.pki.appendingPathComponent("\(user).crt").path, "--key", certmap.pki.appendingPathComponent("\(user).key").path, "-w", "%{http_code} "]
        for header in headers { arguments += ["-H", header] }
        for path in paths { arguments += ["-o", "/dev/null", "https://localhost:\(port)\(path)"] }
        return try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), arguments).stdout.trimmingCharacters(in: .whitespaces)
    }
}
