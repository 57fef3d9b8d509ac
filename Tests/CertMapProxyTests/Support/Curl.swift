import Foundation

/// Real curl as an independent client of the proxies, run as a process with a time bound.
enum Curl {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

        /// One line per fetched URL, as written by `-w`.
        var lines: [String] { stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The `-w` format giving `code decision account` per URL.
    static let outcomeFormat = "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}\\n"

    static func run(_ arguments: [String], timeout: TimeInterval = 20) async throws -> Output {
        let path = "/usr/bin/curl"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "\(path) is not installed (apt-get install curl; .ci/run installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--max-time", "\(Int(timeout))"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let (stdout, stderr) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (stdout, stderr))
            }
        }
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
