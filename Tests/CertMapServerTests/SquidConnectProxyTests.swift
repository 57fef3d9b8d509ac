import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import XCTest

/// certmap behind a real squid CONNECT proxy: KB Q190009 reproduced and fixed through a proxy
/// certmap did not write, and no forged identity gets through the tunnel.
final class SquidConnectProxyTests: XCTestCase {
    /// One curl process through squid: one tunnel, kept alive, one line per path or header set.
    private func fetch(_ squid: PeerProcess, _ harness: ServerHarness, user: String?, requests: [(path: String, headers: [String])]) async throws -> [String] {
        var arguments: [String] = []
        for (index, request) in requests.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["-sS", "--proxy", "http://127.0.0.1:\(squid.port)", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path]
            if let user {
                let (certificate, key) = harness.credential(user)
                arguments += ["--cert", certificate, "--key", key]
            }
            for header in request.headers { arguments += ["-H", header] }
            arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}\\n", "https://127.0.0.1:\(harness.port)\(request.path)"]
        }
        let output = try await ExternalClients.run("curl", arguments, timeout: 30)
        XCTAssertEqual(output.status, 0, output.stderr + squid.logText)
        return output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func page(_ paths: [String]) -> [(path: String, headers: [String])] {
        paths.map { ($0, []) }
    }

    func testLegacyModeFailsEveryRequestAfterTheFirstThroughSquidsTunnel() async throws {
        let harness = try await ServerHarness.start(self, mode: .legacyIIS4)
        let squid = try await SquidProcess.start(self)
        let lines = try await fetch(squid, harness, user: "alice", requests: page(["/portal/", "/portal/logo.png", "/portal/style.css"]))
        XCTAssertEqual(lines, ["200 200 alice", "401 401.2", "401 401.2"], "KB Q190009 through squid")
        let records = harness.requestRecords()
        XCTAssertEqual(Set(records.map(\.connection)).count, 1, "squid kept one tunnel, so one server connection")
        XCTAssertTrue(records.allSatisfy { $0.peer.hasPrefix("127.0.0.2:") && $0.route == "forward" }, "\(records.map { ($0.peer, $0.route) })")
        XCTAssertEqual(records.last?.decision.reason, .legacyResetWithoutRemap)
    }

    func testPerRequestModeServesEveryRequestThroughSquidsTunnel() async throws {
        let harness = try await ServerHarness.start(self, mode: .perRequest)
        let squid = try await SquidProcess.start(self)
        let lines = try await fetch(squid, harness, user: "alice", requests: page(["/portal/", "/portal/logo.png", "/portal/style.css"]))
        XCTAssertEqual(lines, ["200 200 alice", "200 200 alice", "200 200 alice"], "the fix: re-map on every request")
    }

    func testNoForgedIdentityGetsThroughSquidsTunnel() async throws {
        let harness = try await ServerHarness.start(self)
        let squid = try await SquidProcess.start(self)
        let carol = harness.credential("carol").certificate
        let der = Data(try CertificateLoader.certificates(at: URL(fileURLWithPath: carol))[0].der).base64EncodedString()
        let escaped = try NginxEscaping.escapedPEM(of: carol)
        let forgeries: [(path: String, headers: [String])] = [
            ("/", ["Client-Cert: :\(der):"]),
            ("/", ["X-Forwarded-Client-Cert: Cert=\"\(escaped)\""]),
            ("/", ["X-SSL-Client-Cert: \(escaped)"]),
            ("/", ["X-SSL-Client-DER: \(der)"]),
        ]
        let anonymous = try await fetch(squid, harness, user: nil, requests: forgeries)
        let asErin = try await fetch(squid, harness, user: "erin", requests: forgeries)
        let asBob = try await fetch(squid, harness, user: "bob", requests: forgeries)
        XCTAssertEqual(anonymous, Array(repeating: "403 403.7", count: 4))
        XCTAssertEqual(asErin, Array(repeating: "401 401.2", count: 4))
        XCTAssertEqual(asBob, Array(repeating: "200 200 sales", count: 4), "bob stays bob")
        let spoofs = harness.service.events.recent().compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
        XCTAssertEqual(spoofs.count, 12, "every forged request through the tunnel is a spoof event")
        XCTAssertTrue(spoofs.allSatisfy { $0.peer.hasPrefix("127.0.0.2:") && $0.message.contains("a CONNECT tunnel carries the client's own TLS and headers") })
    }
}
