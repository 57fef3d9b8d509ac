import CertMapTestSupport
import Foundation
import XCTest

/// A python3 script run as a helper process for a test (an application, a connection flood): it
/// prints one line when it is ready, which `start` returns, and is killed when the test ends.
/// Skips (or, under CI, fails) when python3 is missing.
final class PythonHelper {
    /// The line the script printed when ready (empty if it died first).
    let readyLine: String
    private let process: Process

    static func start(_ testCase: XCTestCase, script: String, arguments: [String] = []) throws -> PythonHelper {
        try PeerProcess.require("/usr/bin/python3", package: "python3")
        let helper = try PythonHelper(script: script, arguments: arguments)
        testCase.addTeardownBlock { helper.stop() }
        return helper
    }

    private init(script: String, arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Blocks until the line (or end of file, when the script dies before it).
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        readyLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        // SIGKILL: the test process may block SIGTERM, and children inherit the mask.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
