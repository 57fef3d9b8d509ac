import Foundation
import XCTest

/// A real server program from Debian (nginx, Caddy, squid) started by a test on 127.0.0.1 and an
/// ephemeral port, in its own temporary directory, stopped and cleaned up when the test ends.
/// Each peer's file (`NginxProcess`, `CaddyProcess`, `SquidProcess`) only writes its
/// configuration; starting, waiting for the port, stopping and skipping live here once.
///
/// A peer that is not installed skips its test with one line, unless `CERTMAP_REQUIRE_PEERS=1`
/// (set by `.ci/run`, which installs every peer) or `CI=true`, where a missing peer fails the
/// test instead.
public final class PeerProcess: @unchecked Sendable {
    public let name: String
    public let port: Int
    public let directory: URL
    private let process: Process
    private let log: URL

    /// Skips (or, under CI, fails) unless `binary` is installed.
    public static func require(_ binary: String, package: String) throws {
        guard !FileManager.default.isExecutableFile(atPath: binary) else { return }
        let message = "\(binary) is not installed: apt-get install \(package) (.ci/run installs it)"
        let environment = ProcessInfo.processInfo.environment
        if environment["CERTMAP_REQUIRE_PEERS"] == "1" || environment["CI"] == "true" {
            throw PeerUnavailable(description: message)
        }
        throw XCTSkip(message)
    }

    /// A fresh directory for one peer's configuration, pid file and logs.
    public static func makeDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs `binary` and waits until it accepts connections on 127.0.0.1:`port`.
    /// - Parameters:
    ///   - log: the file the peer writes its errors to, quoted when it fails to start.
    ///   - stopSignal: what `stop()` sends first (squid takes seconds to exit on SIGTERM, and
    ///     nothing of its state matters to a test).
    ///   - output: where the peer's standard output goes (HAProxy's `log stdout`); nowhere by default.
    public static func start(
        _ testCase: XCTestCase, name: String, binary: String, arguments: [String], environment: [String: String] = [:],
        port: Int, directory: URL, log: URL, stopSignal: Int32 = SIGTERM, output: URL? = nil
    ) async throws -> PeerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        if let output {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            process.standardOutput = (try? FileHandle(forWritingTo: output)) ?? FileHandle.nullDevice
        }
        if !FileManager.default.fileExists(atPath: log.path) {
            FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        process.standardError = (try? FileHandle(forWritingTo: log)) ?? FileHandle.nullDevice
        try process.run()
        let peer = PeerProcess(name: name, port: port, directory: directory, process: process, log: log, stopSignal: stopSignal)
        testCase.addTeardownBlock { peer.stop() }
        try await peer.waitUntilListening()
        return peer
    }

    private let stopSignal: Int32

    private init(name: String, port: Int, directory: URL, process: Process, log: URL, stopSignal: Int32) {
        self.name = name
        self.port = port
        self.directory = directory
        self.process = process
        self.log = log
        self.stopSignal = stopSignal
    }

    /// What the peer wrote to its log so far.
    public var logText: String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    /// The signal `stopSignal`, then SIGKILL if the peer has not exited within two seconds;
    /// then the directory is removed.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, stopSignal)
            for _ in 0..<40 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening() async throws {
        for _ in 0..<200 {
            if !process.isRunning { throw PeerUnavailable(description: "\(name) exited at start: \(logText)") }
            if Self.accepts(port: port) { return }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        throw PeerUnavailable(description: "\(name) did not listen on 127.0.0.1:\(port) within 5 s: \(logText)")
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port on 127.0.0.1 that was free a moment ago (the kernel picks it).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) }
        }
        guard bound == 0 else { throw PeerUnavailable(description: "cannot bind 127.0.0.1:0: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A peer program is missing (under CI) or did not start; the message says which and why.
public struct PeerUnavailable: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}
