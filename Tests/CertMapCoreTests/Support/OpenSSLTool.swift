import Foundation
import XCTest

/// Runs the real `/usr/bin/openssl`, the reference that certmap's name printing must agree with.
///
/// CI installs openssl; when it is missing the interop tests fail with this message instead of
/// silently passing.
struct OpenSSLTool {
    static let path = "/usr/bin/openssl"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The tool, or a failure that says exactly what is missing.
    static func require() throws -> OpenSSLTool {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) is missing; the openssl interop tests need it (apt-get install openssl)")
        }
        return OpenSSLTool()
    }

    /// Runs openssl with `arguments` (no shell, so values need no quoting) and returns stdout.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "openssl \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))"
            )
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// One line of `openssl x509` output with its `label=` prefix and trailing newline removed.
    func x509Field(_ certificate: URL, _ options: [String], label: String) throws -> String {
        let line = try run(["x509", "-in", certificate.path, "-noout"] + options)
            .trimmingCharacters(in: .newlines)
        guard line.hasPrefix(label) else {
            throw Failure(description: "expected openssl output starting with \"\(label)\", got \"\(line)\"")
        }
        return String(line.dropFirst(label.count))
    }
}
