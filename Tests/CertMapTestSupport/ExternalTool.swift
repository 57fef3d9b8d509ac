import Foundation

/// An independent tool (curl, openssl, nginx's binaries) run as a process with a time bound, so
/// certmap is tested against peers that share none of its code.
public enum ExternalTool {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The tool is not installed, or did not do its part.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `/usr/bin/<tool>` with `arguments`, feeding it `input` (none: /dev/null), and ends it
    /// after `timeout` seconds if it has not ended by itself.
    public static func run(_ tool: String, _ arguments: [String], input: Data? = nil, timeout: TimeInterval = 20) async throws -> Output {
        let path = "/usr/bin/\(tool)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "\(path) is not installed (apt-get install \(tool); .ci/run installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let killer = Task {
            try await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            if process.isRunning { process.terminate() }
        }
        let (stdout, stderr) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (stdout, stderr))
            }
        }
        killer.cancel()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
