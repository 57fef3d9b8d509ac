import Foundation
import XCTest

/// `certmap --attach PATH`: the real console binary in tmux on a running `certmap serve`,
/// through its admin socket — requests appear, a mode switch reaches the server, a stopped
/// server is shown.
final class AttachConsoleTests: XCTestCase {
    func testAttachedConsoleShowsARequestSentToTheServerAndSwitchesItsMode() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let socket = certmap.home.appendingPathComponent("admin.sock").path
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--admin", socket])
        XCTAssertNotNil(serve.waitFor({ $0.contains("admin socket \(socket)") }, seconds: 10), "\(serve.lines)")
        let attributes = try FileManager.default.attributesOfItem(atPath: socket)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "only the server's user may attach")

        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --attach '\(socket)' 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("attached to \(socket)") }, tmux.screen)

        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/from-outside"]), "401")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("/from-outside") && $0.contains("401.2") && $0.contains("erin") }, "the request did not reach the attached console: \(tmux.screen)")

        try tmux.send("m")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("Authentication persistence (now per-request)") }, tmux.screen)
        try tmux.send("2")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("mode legacy-iis4") }, tmux.screen)
        XCTAssertNotNil(serve.waitFor({ $0.contains("switched from per-request to legacy-iis4") }, seconds: 10), "the server did not switch: \(serve.lines)")

        XCTAssertEqual(serve.stop(), 0)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("lost the connection to \(socket)") }, tmux.screen)

        // A new server on the same socket: the console reattaches by itself and says it restarted.
        let again = try ServeProcess(self, certmap: certmap, arguments: ["--admin", socket])
        XCTAssertNotNil(try tmux.waitFor { $0.contains("the server restarted") }, tmux.screen)
        XCTAssertEqual(try again.curl(certmap, user: "alice", paths: ["/after-restart"]), "200")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("/after-restart") }, "events after the restart: \(tmux.screen)")
    }
}
