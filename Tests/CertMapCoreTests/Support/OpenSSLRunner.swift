import Foundation
import XCTest

/// Runs the real `openssl` binary as an independent peer. Missing openssl is a test failure,
/// not a skip: CI installs it, and an interop test that silently skips proves nothing.
struct OpenSSLRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "openssl not found at /usr/bin/openssl or on PATH; install it (apt-get install openssl)" }
    }

    static func executable() throws -> URL {
        let candidates = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/openssl" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing()
        }
        return URL(fileURLWithPath: path)
    }

    /// Runs `openssl ARGS` in `directory` and returns status and output.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// Runs and fails the test with openssl's output when it exits non-zero.
    @discardableResult
    static func runChecked(_ arguments: [String], in directory: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let result = try run(arguments, in: directory)
        if result.status != 0 {
            XCTFail("openssl \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)", file: file, line: line)
        }
        return result
    }
}
