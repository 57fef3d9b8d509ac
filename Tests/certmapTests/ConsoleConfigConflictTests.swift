import Foundation
import XCTest

/// The real console and a real `certmap mappings add` from another shell, editing the same
/// configuration: the console learns of the other change at once, and saving its own pending
/// edit merges instead of silently writing over the other one.
final class ConsoleConfigConflictTests: XCTestCase {
    func testConsoleSaveAfterACommandLineAddMergesBothEdits() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let command = "TERM=xterm-256color LANG=C.UTF-8 '\(CertMapProcess.binary.path)' --home '\(certmap.home.path)' --listen 127.0.0.1:0 --no-proxies --no-demo --no-journal 2>&1; echo \"certmap exited $?\"; sleep 60"
        let tmux = try TmuxSession(self, command: command, width: 120, height: 40)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 Live") }, tmux.screen)
        try tmux.send("3")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("alice (demo certificate)") }, tmux.screen)
        // An unsaved edit: disable alice's one-to-one mapping (the first row).
        try tmux.send("Space")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("1 unsaved") || $0.contains("unsaved") }, tmux.screen)

        let add = try certmap.run(["mappings", "add", "--name", "Added elsewhere", "--account", "sales", "--rule", "O=Elsewhere"])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertNotNil(try tmux.waitFor { $0.contains("config.json changed on disk: applied as configuration generation 2") }, tmux.screen)

        try tmux.send("w")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("[y/N]") }, tmux.screen)
        try tmux.send("y")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("config.json was changed elsewhere: added many-to-one \"Added elsewhere\"") && $0.contains("m merge both") }, tmux.screen)
        try tmux.send("m")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("mappings saved and applied live as configuration generation 3") }, tmux.screen)

        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: certmap.home.appendingPathComponent("config.json"))) as? [String: Any])
        let manyToOne = try XCTUnwrap(config["manyToOne"] as? [[String: Any]])
        XCTAssertTrue(manyToOne.contains { $0["name"] as? String == "Added elsewhere" }, "the command line's mapping survived the console's save")
        let oneToOne = try XCTUnwrap(config["oneToOne"] as? [[String: Any]])
        XCTAssertEqual(oneToOne.first?["enabled"] as? Bool, false, "and so did the console's edit")
        try tmux.send("Q")
        XCTAssertNotNil(try tmux.waitFor { $0.contains("certmap exited 0") }, tmux.screen)
    }
}
