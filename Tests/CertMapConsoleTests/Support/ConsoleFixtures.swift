import CertMapCore
import CertMapJournal
import Foundation

@testable import CertMapConsole

/// A fixed, realistic stretch of traffic under `legacy-iis4`: alice direct (200), carol through
/// the forward proxy (200, then 401.2, 401.2 — KB Q190009), bob through the pooled reverse proxy
/// (200 via a forwarded Client-Cert), an impostor with a copied DN (403.16) and the spoofed
/// forwarding header it sent.
enum ConsoleFixtures {
    /// 2024-05-01 09:30:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_714_555_800)
    static let utc = TimeZone(identifier: "UTC")!

    static func certificate(cn: String, subject: String, issuer: String = "CN=CertMap Demo Root CA,O=CertMap Demo", serial: String, sha: String) -> CertificateSummary {
        let json = """
            {"subject": "\(subject)", "issuer": "\(issuer)", "commonName": "\(cn)", "serialNumber": "\(serial)",
             "sha256": "\(sha)", "notValidBefore": 1704067200, "notValidAfter": 1767225600}
            """
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try! decoder.decode(CertificateSummary.self, from: Data(json.utf8))
    }

    static func fingerprint(_ seed: UInt8) -> String {
        (0..<32).map { String(format: "%02X", ($0 * 37 + Int(seed)) & 0xFF) }.joined(separator: ":")
    }

    static let alice = certificate(cn: "alice", subject: "CN=alice,OU=Engineering,O=Contoso,C=US", serial: "1A:2B:3C:01", sha: fingerprint(1))
    static let carol = certificate(cn: "carol", subject: "CN=carol,OU=Engineering,O=Contoso,C=US", serial: "1A:2B:3C:03", sha: fingerprint(3))
    static let bob = certificate(cn: "bob", subject: "CN=bob,OU=Finance,O=Contoso,C=US", serial: "1A:2B:3C:02", sha: fingerprint(2))
    static let reverseProxy = certificate(cn: "reverse-proxy", subject: "CN=reverse-proxy,O=CertMap Demo", serial: "1A:2B:3C:10", sha: fingerprint(16))
    static let impostor = certificate(
        cn: "alice", subject: "CN=alice,OU=Engineering,O=Contoso,C=US", issuer: "CN=Evil Root CA,O=Not Contoso", serial: "66:66", sha: fingerprint(66))

    static func allowed(_ account: String, mapping: String, source: String, path: String, mapDetails: [TraceDetail] = []) -> Decision {
        var trace = DecisionTrace()
        trace.record(.reset, .passed, "authentication context reset for this request")
        trace.record(.source, .passed, source)
        trace.record(.validate, .passed, "chain to CertMap Demo Root CA verified; valid until 2026-01-01")
        trace.record(.map, .passed, "\(mapping) matched", details: mapDetails)
        trace.record(.authorize, .passed, "\(account) may use \(path)")
        trace.record(.respond, .info, "200 as \(account)")
        return Decision(reason: .allowed, account: account, mapping: mapping, trace: trace, generation: 3)
    }

    static func legacyReset(after request: Int, path: String) -> Decision {
        var trace = DecisionTrace()
        trace.record(.reset, .passed, "authentication reset after request \(request) of this proxied connection (legacy-iis4)")
        trace.record(.source, .skipped, "certificate not consulted again: legacy-iis4 does not re-map after a reset")
        trace.record(.validate, .skipped, "no certificate to validate")
        trace.record(
            .map, .failed, "no mapping attempted",
            details: [TraceDetail(.info, "KB Q190009: IIS 4.0 before SP4 did not redo certificate mapping after the reset")])
        trace.record(.authorize, .failed, "no account for \(path)")
        trace.record(.respond, .info, "401.2")
        return Decision(reason: .legacyResetWithoutRemap, account: nil, mapping: nil, trace: trace, generation: 3)
    }

    static let untrusted: Decision = {
        var trace = DecisionTrace()
        trace.record(.reset, .passed, "authentication context reset for this request")
        trace.record(.source, .passed, "TLS peer certificate CN=alice,OU=Engineering,O=Contoso,C=US")
        trace.record(
            .validate, .failed, "no chain to a trusted root",
            details: [TraceDetail(.failed, "issuer CN=Evil Root CA,O=Not Contoso is not in the trust bundle")])
        trace.record(.map, .skipped, "not mapped: the certificate is not trusted")
        trace.record(.authorize, .skipped, "no account")
        trace.record(.respond, .info, "403.16")
        return Decision(reason: .untrustedCertificate, account: nil, mapping: nil, trace: trace, generation: 3)
    }()

    static func request(
        _ trace: String, connection: ConnectionID, request: Int, method: String = "GET", path: String, peer: String, route: String,
        proxied: Bool, source: String, certificate: CertificateSummary?, decision: Decision, micros: Int = 412
    ) -> CertMapEvent.Kind {
        .request(
            RequestRecord(
                traceID: trace, connection: connection, request: request, method: method, path: path, peer: peer, route: route,
                proxied: proxied, mode: "legacy-iis4", certificateSource: source, certificate: certificate, decision: decision,
                durationMicros: micros))
    }

    /// The events, with their offsets in seconds from `start`.
    static let timeline: [(Double, CertMapEvent.Kind)] = [
        (0, .system(SystemEvent("server listening on https://127.0.0.1:8443, mode legacy-iis4"))),
        (1, .connectionOpened(ConnectionOpened(connection: 1, peer: "127.0.0.1:50412", local: "127.0.0.1:8443", peerIsTrustedProxy: false, tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", certificate: alice))),
        (1.2, request("t-0001", connection: 1, request: 1, path: "/portal/", peer: "127.0.0.1:50412", route: "direct", proxied: false, source: "tls", certificate: alice,
            decision: allowed("alice", mapping: "one-to-one \"alice laptop\"", source: "TLS peer certificate CN=alice,OU=Engineering,O=Contoso,C=US", path: "/portal/",
                mapDetails: [TraceDetail(.passed, "one-to-one \"alice laptop\": SHA-256 fingerprint matches")]))),
        (2, .connectionOpened(ConnectionOpened(connection: 2, peer: "127.0.0.2:50418", local: "127.0.0.1:8443", peerIsTrustedProxy: true, tlsVersion: "TLSv1.2", cipherSuite: "ECDHE-RSA-AES128-GCM-SHA256", certificate: carol))),
        (2.1, request("t-0002", connection: 2, request: 1, path: "/portal/", peer: "127.0.0.2:50418", route: "proxied", proxied: true, source: "tls", certificate: carol,
            decision: allowed("carol", mapping: "many-to-one \"employees\"", source: "TLS peer certificate CN=carol,OU=Engineering,O=Contoso,C=US", path: "/portal/",
                mapDetails: [TraceDetail(.failed, "many-to-one \"contractors\" (deny): subject OU=Contractors does not match Engineering"),
                             TraceDetail(.passed, "many-to-one \"employees\": subject O=Contoso matches")]))),
        (3, request("t-0003", connection: 2, request: 2, path: "/portal/inbox", peer: "127.0.0.2:50418", route: "proxied", proxied: true, source: "tls", certificate: carol, decision: legacyReset(after: 1, path: "/portal/inbox"))),
        (3.4, request("t-0004", connection: 2, request: 3, path: "/portal/styles.css", peer: "127.0.0.2:50418", route: "proxied", proxied: true, source: "tls", certificate: carol, decision: legacyReset(after: 2, path: "/portal/styles.css"))),
        (4, .connectionOpened(ConnectionOpened(connection: 3, peer: "127.0.0.1:50430", local: "127.0.0.1:8443", peerIsTrustedProxy: true, tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_256_GCM_SHA384", certificate: reverseProxy))),
        (4.2, request("t-0005", connection: 3, request: 1, path: "/reports/q2", peer: "127.0.0.1:50430", route: "proxied:client-cert", proxied: true, source: "forwarded:client-cert", certificate: bob,
            decision: allowed("bob", mapping: "many-to-one \"finance staff\"", source: "forwarded certificate (RFC 9440 Client-Cert) from trusted proxy 127.0.0.1:50430: CN=bob,OU=Finance,O=Contoso,C=US", path: "/reports/q2",
                mapDetails: [TraceDetail(.failed, "many-to-one \"contractors\" (deny): subject OU=Contractors does not match Finance"),
                             TraceDetail(.passed, "many-to-one \"finance staff\": subject OU=Finance matches")]))),
        (5, .connectionOpened(ConnectionOpened(connection: 4, peer: "127.0.0.1:50440", local: "127.0.0.1:8443", peerIsTrustedProxy: false, tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", certificate: impostor))),
        (5.1, .security(SecurityEvent(category: .spoof, connection: 4, peer: "127.0.0.1:50440", message: "Client-Cert header from untrusted peer removed; request judged on its own TLS certificate"))),
        (5.2, request("t-0006", connection: 4, request: 1, path: "/admin/", peer: "127.0.0.1:50440", route: "direct", proxied: false, source: "tls", certificate: impostor, decision: untrusted)),
        (6, .connectionClosed(ConnectionClosed(connection: 1, requests: 1, reason: "client closed"))),
    ]

    static var events: [CertMapEvent] {
        timeline.enumerated().map { index, item in
            CertMapEvent(sequence: UInt64(index + 1), time: start.addingTimeInterval(item.0), kind: item.1)
        }
    }

    static let configuration = ConfigDocument(
        accounts: [AccountEntry(name: "alice", groups: ["engineering"]), AccountEntry(name: "bob", groups: ["finance"]), AccountEntry(name: "carol", groups: ["engineering"]), AccountEntry(name: "mallory", enabled: false)],
        oneToOne: [OneToOneEntry(name: "alice laptop", account: "alice", sha256: fingerprint(1), subject: "CN=alice,OU=Engineering,O=Contoso,C=US")],
        manyToOne: [
            ManyToOneEntry(name: "contractors", permission: .deny, account: nil, rules: [RuleEntry(subfield: .organizationalUnit, match: "Contractors")]),
            ManyToOneEntry(name: "finance staff", account: "bob", rules: [RuleEntry(subfield: .organizationalUnit, match: "Finance"), RuleEntry(field: .issuer, subfield: .commonName, match: "CertMap Demo Root CA")]),
            ManyToOneEntry(name: "employees", account: "carol", rules: [RuleEntry(subfield: .organization, match: "Contoso")]),
            ManyToOneEntry(name: "old partners", enabled: false, account: "mallory", rules: [RuleEntry(subfield: .organization, match: "Partner*")]),
        ])

    /// The console after the whole timeline, at `width`×`height`, times in UTC.
    static func state(width: Int = 80, height: Int = 24, glyphs: GlyphSet = .unicode) -> ConsoleState {
        var state = ConsoleState(width: width, height: height, mode: "legacy-iis4", now: start, glyphs: glyphs, timeZone: utc)
        for event in events {
            ConsoleReducer.apply(.event(event), to: &state)
        }
        ConsoleReducer.apply(.tick(start.addingTimeInterval(6)), to: &state)
        return state
    }

    /// Applies keys in order, returning every request they produced.
    @discardableResult
    static func press(_ keys: [Key], on state: inout ConsoleState) -> [ConsoleRequest] {
        keys.flatMap { ConsoleReducer.apply(.key($0), to: &state) }
    }

    static func type(_ text: String) -> [Key] { text.map { Key.character($0) } }
}
