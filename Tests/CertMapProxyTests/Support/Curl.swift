import CertMapTestSupport
import Foundation

/// Real curl as an independent client of the proxies, run as a process with a time bound.
enum Curl {
    typealias Output = ExternalTool.Output

    /// The `-w` format giving `code decision account` per URL.
    static let outcomeFormat = "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}\\n"

    /// curl bounds itself with `--max-time`; the process is ended a little later if it has not.
    static func run(_ arguments: [String], timeout: TimeInterval = 20) async throws -> Output {
        try await ExternalTool.run("curl", ["--max-time", "\(Int(timeout))"] + arguments, timeout: timeout + 5)
    }
}

extension ExternalTool.Output {
    /// One line per fetched URL, as written by `-w`.
    var lines: [String] { stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) } }
}
