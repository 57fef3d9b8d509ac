import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import XCTest

/// certmap behind a real Caddy terminating TLS and forwarding the client certificate as RFC 9440
/// `Client-Cert`. Caddy is believed only because the certificate it presents is issued by the
/// demo issuing CA with its exact subject (a CA + subject forwarder rule).
final class CaddyReverseProxyTests: XCTestCase {
    private static let caddyForwarder = CertificateForwarderEntry(
        name: "caddy", ca: "pki/intermediate-ca.crt", subject: "CN=certmap-proxy,OU=Proxies,O=CertMap Demo")

    private func get(_ caddy: PeerProcess, _ harness: ServerHarness, user: String?, headers: [String] = []) async throws -> String {
        var arguments = ["-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path]
        if let user {
            let (certificate, key) = harness.credential(user)
            arguments += ["--cert", certificate, "--key", key]
        }
        for header in headers { arguments += ["-H", header] }
        arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}", "https://localhost:\(caddy.port)/"]
        let output = try await ExternalClients.run("curl", arguments)
        XCTAssertEqual(output.status, 0, output.stderr + caddy.logText)
        return output.stdout.trimmingCharacters(in: .whitespaces)
    }

    private func spoofEvents(_ harness: ServerHarness) -> [SecurityEvent] {
        harness.service.events.recent().compactMap { event in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
    }

    func testAliceAndBobThroughCaddyEachGetTheirOwnAccount() async throws {
        let harness = try await ServerHarness.start(self) { $0.server.certificateForwarders.append(Self.caddyForwarder) }
        let caddy = try await CaddyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let alice = try await get(caddy, harness, user: "alice")
        let bob = try await get(caddy, harness, user: "bob")
        let aliceAgain = try await get(caddy, harness, user: "alice")
        XCTAssertEqual([alice, bob, aliceAgain], ["200 200 alice", "200 200 sales", "200 200 alice"], caddy.logText)
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.certificateSource), Array(repeating: "forwarded:rfc9440", count: 3))
        XCTAssertEqual(Set(records.map(\.route)), ["reverse"])
        XCTAssertEqual(spoofEvents(harness).count, 0)
    }

    func testAClientsForgedClientCertIsRemovedByCaddyAndNeverAuthenticates() async throws {
        let harness = try await ServerHarness.start(self) { $0.server.certificateForwarders.append(Self.caddyForwarder) }
        let caddy = try await CaddyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let der = Data(try CertificateLoader.certificates(at: URL(fileURLWithPath: harness.credential("carol").certificate))[0].der).base64EncodedString()
        let forged = "Client-Cert: :\(der):"
        let anonymous = try await get(caddy, harness, user: nil, headers: [forged])
        let asErin = try await get(caddy, harness, user: "erin", headers: [forged])
        XCTAssertEqual(anonymous, "403 403.7", "no certificate, nothing forwarded, no forged identity")
        XCTAssertEqual(asErin, "401 401.2", "erin stays erin")
        XCTAssertTrue(harness.requestRecords().allSatisfy { $0.decision.account == nil })
    }

    func testWithoutAForwarderEntryCaddysForwardedCertificateIsStrippedAsSpoofed() async throws {
        let harness = try await ServerHarness.start(self)
        let caddy = try await CaddyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let alice = try await get(caddy, harness, user: "alice")
        XCTAssertNotEqual(alice.split(separator: " ").dropFirst(2).first, "alice", "an unlisted proxy cannot vouch for alice: \(alice)")
        let spoofs = spoofEvents(harness)
        XCTAssertEqual(spoofs.count, 1, "\(spoofs)")
        XCTAssertTrue(spoofs.first?.message.contains("Client-Cert") ?? false, "\(spoofs)")
    }

    func testAForwarderRuleWithAnotherSubjectDoesNotBelieveCaddy() async throws {
        let other = CertificateForwarderEntry(name: "someone else", ca: "pki/intermediate-ca.crt", subject: "CN=other-proxy,OU=Proxies,O=CertMap Demo")
        let harness = try await ServerHarness.start(self) { $0.server.certificateForwarders.append(other) }
        let caddy = try await CaddyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let alice = try await get(caddy, harness, user: "alice")
        XCTAssertNotEqual(alice.split(separator: " ").dropFirst(2).first, "alice", alice)
        XCTAssertEqual(spoofEvents(harness).count, 1)
    }
}
