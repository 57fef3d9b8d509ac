import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import XCTest

/// Issue 9's forged-header suite, end to end over TLS with real curl from an untrusted peer:
/// every forwarded-certificate format, with valid and invalid certificates, duplicated, mixed,
/// over-long, in odd letter case, and smuggled in a folded header line. Not one may authenticate,
/// and every attempt must be an event.
final class ForgedHeaderSuiteTests: XCTestCase {
    /// The ways a client could claim to be someone else, each as the headers it sends.
    private func forgeries(_ harness: ServerHarness) throws -> [(label: String, headers: [String])] {
        var forgeries: [(String, [String])] = []
        for victim in ["alice", "impostor", "expired", "revoked"] {
            let file = harness.credential(victim).certificate
            let der = Data(try CertificateLoader.certificates(at: URL(fileURLWithPath: file))[0].der).base64EncodedString()
            let escaped = try NginxEscaping.escapedPEM(of: file)
            forgeries += [
                ("rfc9440 \(victim)", ["Client-Cert: :\(der):"]),
                ("xfcc \(victim)", ["X-Forwarded-Client-Cert: By=spiffe://proxy;Cert=\"\(escaped)\";Subject=\"CN=\(victim)\""]),
                ("escapedPEM \(victim)", ["X-SSL-Client-Cert: \(escaped)"]),
                ("base64DER \(victim)", ["X-SSL-Client-DER: \(der)"]),
            ]
            if victim == "alice" {
                forgeries += [
                    ("duplicated rfc9440", ["Client-Cert: :\(der):", "Client-Cert: :\(der):"]),
                    ("all formats at once", ["Client-Cert: :\(der):", "X-Forwarded-Client-Cert: Cert=\"\(escaped)\"", "X-SSL-Client-Cert: \(escaped)", "X-SSL-Client-DER: \(der)"]),
                    ("chain header alone", ["Client-Cert-Chain: :\(der):"]),
                    ("odd letter case", ["cLiEnT-cErT: :\(der):", "x-ssl-client-der: \(der)"]),
                    ("over-long value", ["Client-Cert: :\(der + String(repeating: "A", count: 20_000)):"]),
                ]
            }
        }
        forgeries.append(("garbage", ["Client-Cert: :AAAA:", "X-SSL-Client-DER: %%%"]))
        return forgeries
    }

    /// One curl process, one kept-alive connection, one `--next` segment per forgery.
    private func send(_ harness: ServerHarness, tls user: String?, _ forgeries: [(label: String, headers: [String])]) async throws -> [String] {
        let ca = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        var arguments: [String] = []
        for (index, forgery) in forgeries.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["-sS", "--interface", "127.0.0.1", "--cacert", ca]
            if let user {
                let (certificate, key) = harness.credential(user)
                arguments += ["--cert", certificate, "--key", key]
            }
            for header in forgery.headers { arguments += ["-H", header] }
            arguments += ["-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} [%header{x-certmap-account}]\\n", "https://127.0.0.1:\(harness.port)/"]
        }
        let output = try await ExternalClients.run("curl", arguments, timeout: 60)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.split(separator: "\n").map(String.init)
    }

    private func spoofEvents(_ harness: ServerHarness) -> [SecurityEvent] {
        harness.service.events.recent().compactMap { event in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
    }

    func testNoForgedHeaderFromAnUntrustedPeerEverAuthenticates() async throws {
        let harness = try await ServerHarness.start(self)
        let forgeries = try forgeries(harness)
        // Without a certificate of its own the client must get 403.7; as erin (valid, unmapped) 401.2.
        let anonymous = try await send(harness, tls: nil, forgeries)
        let asErin = try await send(harness, tls: "erin", forgeries)
        XCTAssertEqual(anonymous.count, forgeries.count)
        // An over-long header never reaches authentication: the header limit answers 431 first.
        let overLong = "431  []"
        for (forgery, line) in zip(forgeries, anonymous) {
            XCTAssertEqual(line, forgery.label == "over-long value" ? overLong : "403 403.7 []", "\(forgery.label) without a certificate")
        }
        for (forgery, line) in zip(forgeries, asErin) {
            XCTAssertEqual(line, forgery.label == "over-long value" ? overLong : "401 401.2 []", "\(forgery.label) presenting erin")
        }
        let records = harness.requestRecords()
        XCTAssertEqual(records.count, (forgeries.count - 1) * 2)
        XCTAssertTrue(records.allSatisfy { $0.decision.account == nil && !$0.certificateSource.hasPrefix("forwarded") })
        XCTAssertEqual(spoofEvents(harness).count, (forgeries.count - 1) * 2, "every forged request that reached authentication is reported")
        XCTAssertTrue(spoofEvents(harness).allSatisfy { $0.message.contains("is not a certificate forwarder") })
    }

    func testAForwardedHeaderSmuggledInAFoldedLineNeverAuthenticates() async throws {
        let harness = try await ServerHarness.start(self)
        let der = Data(try CertificateLoader.certificates(at: URL(fileURLWithPath: harness.credential("alice").certificate))[0].der).base64EncodedString()
        let request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Note: hello\r\n Client-Cert: :\(der):\r\nConnection: close\r\n\r\n"
        let output = try await ExternalClients.run("openssl", [
            "s_client", "-quiet", "-connect", "127.0.0.1:\(harness.port)", "-servername", "localhost",
            "-CAfile", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
        ], input: Data(request.utf8))
        let statusLine = output.stdout.split(separator: "\r\n").first.map(String.init) ?? ""
        XCTAssertTrue(statusLine.hasPrefix("HTTP/1.1 400"), "obs-fold is refused by the HTTP parser; got: \(statusLine)\n\(output.stdout)")
        XCTAssertFalse(output.stdout.lowercased().contains("x-certmap-account: alice"), output.stdout)
        XCTAssertTrue(harness.requestRecords().allSatisfy { $0.decision.account == nil })
        // The server keeps serving after the bad request.
        let after = try await ExternalClients.curl(harness, cert: "alice", paths: ["/"])
        XCTAssertEqual(after.map(\.account), ["alice"])
    }
}
