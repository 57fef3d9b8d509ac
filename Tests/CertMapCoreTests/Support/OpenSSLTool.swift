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
        let result = try OpenSSLRunner.run(arguments)
        guard result.status == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) exited with \(result.status): \(result.stderr)")
        }
        return result.stdout
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
