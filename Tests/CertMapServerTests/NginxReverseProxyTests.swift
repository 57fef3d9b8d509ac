import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import XCTest

/// certmap behind a real nginx terminating TLS and forwarding `$ssl_client_escaped_cert`.
final class NginxReverseProxyTests: XCTestCase {
    private func get(_ port: Int, _ harness: ServerHarness, user: String?, headers: [String] = []) async throws -> String {
        var arguments = ["-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(port):127.0.0.1"]
        if let user {
            let (certificate, key) = harness.credential(user)
            arguments += ["--cert", certificate, "--key", key]
        }
        for header in headers { arguments += ["-H", header] }
        arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}", "https://localhost:\(port)/"]
        let output = try await ExternalClients.run("curl", arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.trimmingCharacters(in: .whitespaces)
    }

    func testAliceAndBobThroughNginxEachGetTheirOwnAccount() async throws {
        let harness = try await ServerHarness.start(self)
        let nginx = try await NginxProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let alice = try await get(nginx.port, harness, user: "alice")
        let bob = try await get(nginx.port, harness, user: "bob")
        let aliceAgain = try await get(nginx.port, harness, user: "alice")
        XCTAssertEqual([alice, bob, aliceAgain], ["200 200 alice", "200 200 sales", "200 200 alice"], nginx.logText)
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.certificateSource), ["forwarded:escapedPEM", "forwarded:escapedPEM", "forwarded:escapedPEM"])
        XCTAssertTrue(records.allSatisfy { $0.peer.hasPrefix("127.0.0.3:") && $0.proxied })
        XCTAssertEqual(Set(records.map(\.route)), ["reverse"], "a forwarded certificate means a TLS-terminating (reverse) proxy")
    }

    func testInvalidCertificatesThroughNginxKeepTheirSubstatus() async throws {
        let harness = try await ServerHarness.start(self)
        let nginx = try await NginxProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let impostor = try await get(nginx.port, harness, user: "impostor")
        let revoked = try await get(nginx.port, harness, user: "revoked")
        XCTAssertEqual(impostor, "403 403.16")
        XCTAssertEqual(revoked, "403 403.13")
    }

    func testTheSameHeaderSentDirectlyByAClientIsStrippedAndDoesNotAuthenticate() async throws {
        let harness = try await ServerHarness.start(self)
        let forged = "X-SSL-Client-Cert: " + (try NginxEscaping.escapedPEM(of: harness.credential("alice").certificate))
        let direct = try await get(harness.port, harness, user: nil, headers: [forged])
        XCTAssertEqual(direct, "403 403.7")
        XCTAssertTrue(harness.service.events.recent().contains {
            if case .security(let event) = $0.kind { return event.category == .spoof }
            return false
        })
    }

    /// Real nginx with the slips real configurations have: each request is diagnosed as that
    /// configuration problem with its fix, never as a user certificate to map.
    func testEveryNginxSlipIsDiagnosedAsTheConfigurationProblemItIs() async throws {
        let cases: [(NginxProcess.Slip, Diagnosis.Kind, String)] = [
            (.noProxyBind, .forwarderWrongAddress, "proxy_bind 127.0.0.3"),
            (.noUpstreamCertificate, .forwarderPresentsNoCertificate, "proxy_ssl_certificate"),
            (.distinguishedNameOnly, .forwarderSentNoCertificate, "X-SSL-Client-S-DN"),
        ]
        for (slip, kind, phrase) in cases {
            let harness = try await ServerHarness.start(self)
            let nginx = try await NginxProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory, slips: [slip])
            let answer = try await get(nginx.port, harness, user: "alice")
            try assertDiagnosedAsProxySlip(harness, answer: answer, kind: kind, saying: phrase, slip: "\(slip)", proxyLog: nginx.logText)
        }
    }
}
