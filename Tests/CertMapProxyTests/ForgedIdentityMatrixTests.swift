import CertMapCore
import CertMapJournal
import CertMapProxy
import XCTest

/// Issue 14's whole matrix, with real curl: every route (direct, CONNECT tunnel through the
/// forward proxy, TLS-terminating reverse proxy) × every persistence mode × every
/// forwarded-certificate format (and all at once) × a client without a certificate, an unmapped
/// one, an untrusted one and a mapped one, each forging carol. The property: a request is
/// authenticated only as its own TLS certificate's identity (directly or forwarded by the
/// reverse proxy, the one certificate forwarder) — never as carol — and every forgery is a spoof
/// event, raised by the server (direct, CONNECT) or by the reverse proxy that removed it.
final class ForgedIdentityMatrixTests: XCTestCase {
    private enum Route: String, CaseIterable {
        case direct, connect, reverse
    }

    /// A client of the matrix: the certificate it presents and what it is on its own.
    private struct Client {
        let name: String?
        /// The decision and account it gets with no forgery, in per-request mode.
        let own: String

        var ownAccount: String? {
            let parts = own.split(separator: " ")
            return parts.count == 3 ? String(parts[2]) : nil
        }
    }

    private let clients = [
        Client(name: nil, own: "403 403.7"),
        Client(name: "erin", own: "401 401.2"),
        Client(name: "impostor", own: "403 403.16"),
        Client(name: "bob", own: "200 200 sales"),
    ]

    private func forgeries(_ harness: ProxyHarness) throws -> [(label: String, headers: [String])] {
        let file = harness.home.pkiDirectory.appendingPathComponent("carol.crt")
        let der = Data(try CertificateLoader.certificates(at: file)[0].der).base64EncodedString()
        let pem = try String(contentsOf: file, encoding: .utf8)
        let escaped = pem.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? pem
        return [
            ("rfc9440", ["Client-Cert: :\(der):"]),
            ("xfcc", ["X-Forwarded-Client-Cert: By=spiffe://proxy;Cert=\"\(escaped)\";Subject=\"CN=carol\""]),
            ("escapedPEM", ["X-SSL-Client-Cert: \(escaped)"]),
            ("base64DER", ["X-SSL-Client-DER: \(der)"]),
            ("all formats", ["Client-Cert: :\(der):", "X-Forwarded-Client-Cert: Cert=\"\(escaped)\"", "X-SSL-Client-Cert: \(escaped)", "X-SSL-Client-DER: \(der)"]),
        ]
    }

    /// One curl process (so one connection or tunnel, kept alive) sending every forgery in turn.
    private func send(_ harness: ProxyHarness, route: Route, client: Client, _ forgeries: [(label: String, headers: [String])]) async throws -> [String] {
        var arguments: [String] = []
        for (index, forgery) in forgeries.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["-sS", "--cacert", harness.caBundle] + (client.name.map(harness.credential) ?? [])
            for header in forgery.headers { arguments += ["-H", header] }
            arguments += ["-o", "/dev/null", "-w", Curl.outcomeFormat]
            switch route {
            case .direct: arguments.append("https://localhost:\(harness.serverPort)/")
            case .connect: arguments += ["--proxy", "http://127.0.0.1:\(harness.forwardPort)", "https://localhost:\(harness.serverPort)/"]
            case .reverse: arguments.append("https://localhost:\(harness.reversePort)/")
            }
        }
        let output = try await Curl.run(arguments, timeout: 30)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.lines
    }

    private func spoofEvents(_ harness: ProxyHarness) -> [SecurityEvent] {
        harness.events.recent().compactMap { event in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
    }

    private func ownFingerprint(_ harness: ProxyHarness, _ client: Client) throws -> String? {
        guard let name = client.name else { return nil }
        return try CertificateLoader.certificates(at: harness.home.pkiDirectory.appendingPathComponent("\(name).crt"))[0].sha256.colonHex
    }

    func testNoRouteModeOrFormatEverAnswersWithAForgedIdentity() async throws {
        for mode in AuthPersistencePreset.allCases {
            let harness = try await ProxyHarness.start(self, mode: mode)
            let forgeries = try forgeries(harness)
            var expectedSpoofs = 0
            for route in Route.allCases {
                for client in clients {
                    let row = "\(mode.rawValue) \(route.rawValue) \(client.name ?? "no certificate")"
                    let before = harness.requestRecords().count
                    let lines = try await send(harness, route: route, client: client, forgeries)
                    XCTAssertEqual(lines.count, forgeries.count, row)
                    for (forgery, line) in zip(forgeries, lines) {
                        let account = line.split(separator: " ").dropFirst(2).first.map(String.init)
                        // Legacy and per-connection modes may refuse a later request (401.2 after
                        // a reset) or reuse the first; neither may name anyone but the client.
                        XCTAssertTrue(account == nil || account == client.ownAccount, "\(row) \(forgery.label): \(line)")
                        if mode == .perRequest {
                            XCTAssertEqual(line, client.own, "\(row) \(forgery.label)")
                        }
                    }
                    let records = Array(harness.requestRecords().dropFirst(before))
                    XCTAssertEqual(records.count, forgeries.count, row)
                    let own = try ownFingerprint(harness, client)
                    for record in records {
                        XCTAssertNotEqual(record.decision.account, "carol", row)
                        if route == .reverse, own != nil {
                            // The forwarder forwards the client's own certificate; legacy and
                            // per-connection modes may not map it (reset, or reuse of the first).
                            let allowed: Set<String> = mode == .perRequest ? ["forwarded:rfc9440"] : ["forwarded:rfc9440", "persisted", "none"]
                            XCTAssertTrue(allowed.contains(record.certificateSource), "\(row): \(record.certificateSource)")
                        } else {
                            XCTAssertFalse(record.certificateSource.hasPrefix("forwarded"), "\(row): \(record.certificateSource)")
                        }
                        XCTAssertEqual(record.certificate?.sha256, own, "\(row): the certificate judged is the client's own")
                    }
                    XCTAssertEqual(Set(records.map(\.route)), [route == .connect ? "forward" : route.rawValue], row)
                    expectedSpoofs += forgeries.count
                    XCTAssertEqual(spoofEvents(harness).count, expectedSpoofs, "\(row): every forged request is a spoof event")
                }
            }
            let spoofs = spoofEvents(harness)
            XCTAssertTrue(spoofs.contains { $0.message.contains("a CONNECT tunnel carries the client's own TLS and headers") }, "\(spoofs)")
            XCTAssertTrue(spoofs.contains { $0.message.hasPrefix("reverse proxy removed forwarded-certificate header(s)") }, "\(spoofs)")
        }
    }
}
