import Foundation
import XCTest

/// A detached tmux session on a private server socket, running one command in a terminal of a
/// fixed size: how the real console binary is driven and read in tests (`send-keys`,
/// `capture-pane -p`). Killed when the test ends.
final class TmuxSession {
    static let executable = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private let socket = "certmap-test-\(UUID().uuidString.prefix(8))"
    private let tmux: URL

    /// Starts `command` (run by the shell) in a `width`x`height` window; skips the test with a
    /// clear message when tmux is not installed (`.ci/run` installs it).
    init(_ testCase: XCTestCase, command: String, width: Int = 120, height: Int = 40) throws {
        guard let path = Self.executable else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it): the console's end-to-end test needs it")
        }
        tmux = URL(fileURLWithPath: path)
        let socket = self.socket
        testCase.addTeardownBlock { _ = try? Self.spawnDetached(path, ["-L", socket, "kill-server"]) }
        let status = try Self.spawnDetached(path, ["-L", socket, "new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)", command])
        guard status == 0 else { throw CertMapProcessError("tmux new-session exited with status \(status)") }
    }

    /// Runs `tmux new-session -d` with posix_spawn and waits for the client. Foundation's
    /// `Process` cannot be used here: on Linux it notices a child's exit through a socket the
    /// child inherits, and the tmux server the client daemonizes keeps that socket open, so
    /// `waitUntilExit()` would never return.
    private static func spawnDetached(_ path: String, _ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw CertMapProcessError("cannot run \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> CertMapProcess.Result {
        try CertMapProcess.execute(tmux, ["-L", socket] + arguments)
    }

    /// The visible text of the pane.
    func capture() throws -> String {
        try run(["capture-pane", "-p", "-t", "main"]).stdout
    }

    /// The pane's text for failure messages (never throws).
    var screen: String { (try? capture()) ?? "<tmux capture-pane failed>" }

    /// Sends keys as tmux names them (`m`, `y`, `Enter`, `Tab`).
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", "main"] + keys)
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the pane until `predicate` holds (the screen at that moment is returned) or the
    /// time is up (nil). The bound keeps a broken console from hanging the suite.
    func waitFor(seconds: Double = 15, _ predicate: (String) -> Bool) throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let screen = try capture()
            if predicate(screen) { return screen }
            usleep(100_000)
        } while Date() < deadline
        return nil
    }
}
