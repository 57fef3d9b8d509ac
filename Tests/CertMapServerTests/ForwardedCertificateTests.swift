import CertMapCore
import CertMapJournal
import CertMapServer
import XCTest

/// Forwarded certificates: believed only from a certificate forwarder (in the demo configuration
/// the reverse proxy: 127.0.0.3 presenting proxy.crt), stripped and reported from anyone else —
/// including the proxied-connection address 127.0.0.2 — and 400 when malformed.
final class ForwardedCertificateTests: XCTestCase {
    private func header(_ harness: ServerHarness, forwarding user: String) throws -> String {
        "X-SSL-Client-Cert: " + (try NginxEscaping.escapedPEM(of: harness.credential(user).certificate))
    }

    /// curl bound to `source`, presenting `tlsCertificate`, one `--next` segment per forwarded user on one connection.
    private func fetch(_ harness: ServerHarness, from source: String, tlsCertificate: String?, forwarding users: [String?]) async throws -> [String] {
        var arguments = ["-sS", "--interface", source, "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path]
        for (index, user) in users.enumerated() {
            if index > 0 { arguments += ["--next", "--interface", source, "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path] }
            if let tlsCertificate {
                let (certificate, key) = harness.credential(tlsCertificate)
                arguments += ["--cert", certificate, "--key", key]
            }
            if let user { arguments += ["-H", try header(harness, forwarding: user)] }
            arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}\\n", "https://127.0.0.1:\(harness.port)/"]
        }
        let output = try await ExternalClients.run("curl", arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    func testForwarderForwardsEachUsersCertificateOnOnePooledConnection() async throws {
        let harness = try await ServerHarness.start(self)
        let lines = try await fetch(harness, from: "127.0.0.3", tlsCertificate: "proxy", forwarding: ["alice", "bob", "alice"])
        XCTAssertEqual(lines, ["200 200 alice", "200 200 sales", "200 200 alice"])
        let records = harness.requestRecords()
        XCTAssertEqual(Set(records.map(\.connection)).count, 1, "all three users shared one upstream connection")
        XCTAssertEqual(records.map(\.certificateSource), ["forwarded:escapedPEM", "forwarded:escapedPEM", "forwarded:escapedPEM"])
        XCTAssertTrue(records.allSatisfy(\.proxied))
    }

    func testAnXFCCChainOfProxiesIsJudgedOnTheRightmostElementAndTheDiagnosisSaysWhichElement() async throws {
        let harness = try await ServerHarness.start(self)
        let (certificate, key) = harness.credential("proxy")
        let carol = try NginxEscaping.escapedPEM(of: harness.credential("carol").certificate)
        let alice = try NginxEscaping.escapedPEM(of: harness.credential("alice").certificate)
        let output = try await ExternalClients.run("curl", [
            "-sS", "--interface", "127.0.0.3", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
            "--cert", certificate, "--key", key, "-H", "X-Forwarded-Client-Cert: Hash=aa;Cert=\"\(carol)\",Hash=bb;Cert=\"\(alice)\"",
            "-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-account}", "https://127.0.0.1:\(harness.port)/",
        ])
        XCTAssertEqual(output.stdout, "200 alice", output.stderr)
        let record = try XCTUnwrap(harness.requestRecords().last)
        XCTAssertEqual(record.certificateSource, "forwarded:xfcc")
        XCTAssertEqual(record.decision.facts?.forwarded?.xfccElement, XFCCElementPosition(index: 2, count: 2))
        XCTAssertTrue(record.decision.trace.text.contains("X-Forwarded-Client-Cert (xfcc, element 2 of 2"), record.decision.trace.text)
        let diagnosis = Diagnosis(record: record)
        XCTAssertEqual(diagnosis.kind, .allowed)
        XCTAssertTrue(diagnosis.evidence.contains { $0.hasPrefix("certificate forwarded by 127.0.0.3") && $0.contains("element 2 of 2") }, "\(diagnosis.evidence)")
    }

    func testPerConnectionModeServesTheFirstUsersIdentityToTheNextUser() async throws {
        let harness = try await ServerHarness.start(self, mode: .perConnection)
        let lines = try await fetch(harness, from: "127.0.0.3", tlsCertificate: "proxy", forwarding: ["alice", "bob"])
        XCTAssertEqual(lines, ["200 200 alice", "200 200 alice"], "the naive cache leaks alice's identity to bob")
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.certificateSource), ["forwarded:escapedPEM", "persisted"])
        XCTAssertEqual(records.map { $0.certificate?.commonName }, ["alice", "bob"], "the record shows who really sent request 2")
        XCTAssertEqual(records.map(\.decision.account), ["alice", "alice"])
    }

    func testForgedHeaderFromUntrustedPeerIsStrippedAndJudgedOnItsOwnTLSIdentity() async throws {
        let harness = try await ServerHarness.start(self)
        let withoutCertificate = try await fetch(harness, from: "127.0.0.1", tlsCertificate: nil, forwarding: ["alice"])
        XCTAssertEqual(withoutCertificate, ["403 403.7"])
        let asErin = try await fetch(harness, from: "127.0.0.1", tlsCertificate: "erin", forwarding: ["alice"])
        XCTAssertEqual(asErin, ["401 401.2"])
        let spoofs = harness.service.events.recent().compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
        XCTAssertEqual(spoofs.count, 2)
        XCTAssertTrue(spoofs[0].message.contains("X-SSL-Client-Cert") && spoofs[0].message.contains("not a certificate forwarder"), spoofs[0].message)
        XCTAssertTrue(harness.requestRecords().allSatisfy { $0.decision.account == nil })
    }

    func testMalformedForwardedHeaderFromAForwarderGets400AndTheServerKeepsServing() async throws {
        let harness = try await ServerHarness.start(self)
        let output = try await ExternalClients.run("curl", [
            "-sS", "--interface", "127.0.0.3", "--cert", harness.credential("proxy").certificate, "--key", harness.credential("proxy").key, "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
            "-H", "X-SSL-Client-Cert: -----BEGIN%20CERTIFICATE-----%0Anot-base64%0A-----END%20CERTIFICATE-----",
            "-w", "\\n%{http_code}", "https://127.0.0.1:\(harness.port)/",
        ])
        XCTAssertTrue(output.stdout.hasSuffix("\n400"), output.stdout)
        XCTAssertTrue(output.stdout.contains("X-SSL-Client-Cert"), output.stdout)
        let after = try await fetch(harness, from: "127.0.0.3", tlsCertificate: "proxy", forwarding: ["bob"])
        XCTAssertEqual(after, ["200 200 sales"])
    }

    func testTheForwardersOwnCertificateIsNeverMappedAsAUser() async throws {
        let harness = try await ServerHarness.start(self)
        let lines = try await fetch(harness, from: "127.0.0.3", tlsCertificate: "proxy", forwarding: [nil, "alice"])
        XCTAssertEqual(lines, ["403 403.7", "200 200 alice"])
    }

    func testAProxiedConnectionAddressMayNotForwardEvenWithTheForwardersCertificateElsewhere() async throws {
        let harness = try await ServerHarness.start(self)
        // 127.0.0.2 counts as proxied (the CONNECT proxy's tunnels), but is no forwarder.
        let tunnel = try await fetch(harness, from: "127.0.0.2", tlsCertificate: nil, forwarding: ["alice"])
        XCTAssertEqual(tunnel, ["403 403.7"])
        let tunnelAsErin = try await fetch(harness, from: "127.0.0.2", tlsCertificate: "erin", forwarding: ["alice"])
        XCTAssertEqual(tunnelAsErin, ["401 401.2"], "judged on erin's own TLS certificate")
        // The forwarder's pin is narrowed to 127.0.0.3: its certificate from another address is not it.
        let wrongAddress = try await fetch(harness, from: "127.0.0.4", tlsCertificate: "proxy", forwarding: ["alice"])
        XCTAssertEqual(wrongAddress, ["401 401.2"], "the proxy certificate is judged as a client certificate and maps to nothing")
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.route), ["forward", "forward", "direct"])
        XCTAssertTrue(records.allSatisfy { $0.certificateSource != "forwarded:escapedPEM" })
    }
}
