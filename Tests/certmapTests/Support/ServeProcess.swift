import Foundation
import XCTest

/// A real `certmap serve` child process on an ephemeral loopback port, with its stdout lines
/// collected, killed at teardown if still running.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let lock = NSLock()
    private var buffer = Data()

    var lines: [String] {
        lock.withLock { String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init) }
    }

    init(_ testCase: XCTestCase, certmap: CertMapProcess, arguments: [String]) throws {
        process.executableURL = CertMapProcess.binary
        process.arguments = ["serve", "--home", certmap.home.path, "--listen", "127.0.0.1:0", "--forward-proxy", "127.0.0.1:0", "--reverse-proxy", "127.0.0.1:0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.buffer.append(data) }
        }
        try process.run()
        let process = self.process
        testCase.addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let listening = try XCTUnwrap(waitFor({ $0.contains("HTTPS server listening on") }, seconds: 10), "no listening event: \(lines)")
        let found = listening.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression).map { String(listening[$0].split(separator: ":")[1]) }
        port = try XCTUnwrap(found.flatMap(Int.init))
    }

    /// The port of the line announcing `what` ("forward proxy listening on 127.0.0.1:NNNN").
    func listeningPort(of what: String) -> Int? {
        guard let line = waitFor({ $0.contains("\(what) listening on 127.0.0.1:") }, seconds: 10),
            let range = line.range(of: "\(what) listening on 127.0.0.1:")
        else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    func waitFor(_ predicate: (String) -> Bool, seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = lines.first(where: predicate) { return line }
            usleep(50_000)
        }
        return nil
    }

    /// curl with `user`'s certificate fetching `paths` over one kept-alive connection; returns
    /// the HTTP codes separated by spaces.
    func curl(_ certmap: CertMapProcess, user: String, paths: [String], headers: [String] = []) throws -> String {
        var arguments = ["-sS", "--cacert", certmap.pki.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(port):127.0.0.1",
            "--cert", certmap.pki.appendingPathComponent("\(user).crt").path, "--key", certmap.pki.appendingPathComponent("\(user).key").path, "-w", "%{http_code} "]
        for header in headers { arguments += ["-H", header] }
        for path in paths { arguments += ["-o", "/dev/null", "https://localhost:\(port)\(path)"] }
        let result = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        return result.stdout.trimmingCharacters(in: .whitespaces)
    }

    /// SIGTERM and wait (bounded) for a clean exit.
    func stop() -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
