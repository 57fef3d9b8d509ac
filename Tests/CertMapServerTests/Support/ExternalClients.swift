import CertMapTestSupport
import Foundation
import XCTest

/// Independent TLS clients (curl, openssl s_client) run as processes, so the server is tested
/// against peers that share none of its code.
enum ExternalClients {
    typealias Output = ExternalTool.Output
    typealias Missing = ExternalTool.Missing

    static func run(_ tool: String, _ arguments: [String], input: Data? = nil, timeout: TimeInterval = 20) async throws -> Output {
        try await ExternalTool.run(tool, arguments, input: input, timeout: timeout)
    }

    /// One curl invocation fetching `paths` in order over one kept-alive connection; returns
    /// one `(httpCode, decision, account)` per path.
    static func curl(_ harness: ServerHarness, cert: String?, paths: [String], headers: [String] = [], http10: Bool = false) async throws -> [(code: Int, decision: String, account: String)] {
        var arguments = ["-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(harness.port):127.0.0.1"]
        if let cert {
            let (certificate, key) = harness.credential(cert)
            arguments += ["--cert", certificate, "--key", key]
        }
        if http10 { arguments.append("--http1.0"); arguments += ["-H", "Connection: keep-alive"] }
        for header in headers { arguments += ["-H", header] }
        for path in paths {
            arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}|%{num_connects}\\n", "https://localhost:\(harness.port)\(path)"]
        }
        let output = try await run("curl", arguments)
        guard output.status == 0 else { throw Missing(description: "curl failed (\(output.status)): \(output.stderr)") }
        return output.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: "|")[0].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            return (Int(fields[0]) ?? -1, fields.count > 1 ? fields[1] : "", fields.count > 2 ? fields[2] : "")
        }
    }
}
