import Foundation
import XCTest

/// A scenario started from the real console runs with its own proxy settings (pool size and
/// reuse), so it shows exactly what `certmap scenario run` shows.
final class ConsoleScenarioTests: XCTestCase {
    func testPooledProxyFromTheConsoleUnderPerConnectionShowsTheLeak() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --listen 127.0.0.1:0 --forward-proxy 127.0.0.1:0 --reverse-proxy 127.0.0.1:0 --no-demo --no-journal 2>/dev/null; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 160, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 Live") }, tmux.screen)
        try tmux.send("m")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Authentication persistence") }, tmux.screen)
        try tmux.send("3")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("mode per-connection") }, tmux.screen)
        try tmux.send("s")
        try tmux.send("C-u")
        for character in "pooled-proxy" { try tmux.send(String(character)) }
        try tmux.send("Enter")
        let done = try tmux.waitFor(seconds: 30) { $0.contains("scenario pooled-proxy under per-connection: 100 request(s)") }
        let line = try XCTUnwrap(done, tmux.screen)
        XCTAssertFalse(line.contains("; 0 misattributed"), "the pool of one upstream connection must leak identities: \(line)")
        XCTAssertTrue(line.contains("misattributed"), line)
        // The status bar counts the leaks apart from the 2xx, and a leaked request's detail
        // says so in its headline (not "mapped to an account that may use this resource").
        XCTAssertTrue(tmux.screen.contains("LEAKED "), tmux.screen)
        try tmux.send("f")
        for character in "~mis" { try tmux.send(String(character)) }
        try tmux.send("Enter")
        try tmux.send("Enter")
        try tmux.send("!")
        let detail = try tmux.waitFor(seconds: 10) { $0.contains("another user's identity") }
        XCTAssertNotNil(detail, tmux.screen)
        XCTAssertFalse(tmux.screen.contains("may use this resource"), tmux.screen)
        try tmux.send("Escape")
        try tmux.send("Q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("certmap exited 0") }, tmux.screen)
    }
}
