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

    func testOneConsoleAttachedToTwoServersNamesEachRequestsServerAndFiltersByIt() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let sockets = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-fleet-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: sockets) }
        var servers: [ServeProcess] = []
        for name in ["edge-1", "edge-2"] {
            try FileManager.default.createDirectory(at: sockets.appendingPathComponent(name), withIntermediateDirectories: true)
            servers.append(try ServeProcess(self, certmap: certmap, arguments: ["--admin", sockets.appendingPathComponent("\(name)/admin.sock").path, "--no-journal"]))
        }
        let attach = ["edge-1", "edge-2"].map { "--attach '\(sockets.appendingPathComponent("\($0)/admin.sock").path)'" }.joined(separator: " ")
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' \(attach) 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("attached to edge-1") && $0.contains("TIME     INST") }, tmux.screen)

        XCTAssertEqual(try servers[0].curl(certmap, user: "erin", paths: ["/via-edge-1"]), "401")
        XCTAssertEqual(try servers[1].curl(certmap, user: "alice", paths: ["/via-edge-2"]), "200")
        let both = try tmux.waitFor { screen in
            screen.split(separator: "\n").contains { $0.contains("edge-1") && $0.contains("/via-edge-1") && $0.contains("401.2") }
                && screen.split(separator: "\n").contains { $0.contains("edge-2") && $0.contains("/via-edge-2") && $0.contains("alice") }
        }
        XCTAssertNotNil(both, "both servers' requests, each with its server: \(tmux.screen)")

        try tmux.send("f")
        try tmux.send("~inst edge-2", "Enter")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("/via-edge-2") && !$0.contains("/via-edge-1") && $0.contains("1 of 2") }, tmux.screen)
    }
}
