/// Requests and connections refused before any decision — failed TLS handshakes, malformed HTTP,
/// refused targets, limits, malformed forwarded headers, stale CRLs — grouped by what happened,
/// with the fix: the failures that are not a 401 or 403 and so never show up as a decided request.
public struct RefusalBeforeDecision: Codable, Hashable, Sendable {
    /// `tls`, `malformedRequest`, `limit`, `malformedForwardedHeader`, `staleCRL`.
    public let category: String
    /// The short reason within the category (`alert_unknown_ca`, `431`, `target`), when there is one.
    public let reason: String?
    public let count: Int
    /// Peer addresses, without ports, at most ten.
    public let peers: [String]
    public let example: String
    public let title: String
    public let fix: String

    /// Groups `events`, most frequent first.
    public static func group(_ events: [SecurityEvent]) -> [RefusalBeforeDecision] {
        var grouping = Grouping()
        for event in events { grouping.add(event) }
        return grouping.groups
    }

    /// The groups built one event at a time, keeping a count, the first example and at most ten
    /// peers per group (a journal of any length in the same memory).
    public struct Grouping: Sendable {
        private struct Group: Sendable {
            let first: SecurityEvent
            var count: Int
            var peers: [String]
        }

        private var order: [String] = []
        private var byKey: [String: Group] = [:]

        public init() {}

        public mutating func add(_ event: SecurityEvent) {
            guard event.category != .spoof && event.category != .staleCRL else { return }
            let key = "\(event.category.rawValue)/\(RefusalBeforeDecision.reason(of: event) ?? "")"
            let address = event.peer.components(separatedBy: ":").dropLast().joined(separator: ":")
            let peer = address.isEmpty ? event.peer : address
            guard var group = byKey[key] else {
                order.append(key)
                byKey[key] = Group(first: event, count: 1, peers: [peer])
                return
            }
            group.count += 1
            if !group.peers.contains(peer), group.peers.count < 10 { group.peers.append(peer) }
            byKey[key] = group
        }

        /// The groups, most frequent first.
        public var groups: [RefusalBeforeDecision] {
            order.compactMap { key -> RefusalBeforeDecision? in
                guard let group = byKey[key] else { return nil }
                let reason = RefusalBeforeDecision.reason(of: group.first)
                let (title, fix) = RefusalBeforeDecision.advice(group.first.category, reason)
                return RefusalBeforeDecision(
                    category: group.first.category.rawValue, reason: reason, count: group.count, peers: group.peers, example: group.first.message, title: title, fix: fix)
            }.sorted { ($0.count, $1.category) > ($1.count, $0.category) }
        }
    }

    /// The event's reason, or one read from its message for events written without one.
    static func reason(of event: SecurityEvent) -> String? {
        if let reason = event.reason { return reason }
        switch event.category {
        case .malformedRequest: return event.message.hasPrefix("request target") ? "target" : "http"
        case .limit:
            if event.message.contains("maxHeaderBytes") { return "431" }
            if event.message.contains("maxBodyBytes") { return "413" }
            if event.message.contains("not received within") { return "timeout" }
            if event.message.hasPrefix("connection refused") { return "connection_refused" }
            return nil
        default: return nil
        }
    }

    /// What the group is, in a few words, and what fixes it.
    static func advice(_ category: SecurityEvent.Category, _ reason: String?) -> (String, String) {
        let trustAdvice = "give the client the root CA of certmap's certificate; run certmap doctor — if certmap's certificate file lacks its intermediate, clients that trust only the root fail exactly like this (append the intermediate to server.certificate)"
        switch (category, reason ?? "") {
        case (.tls, "plain_http"): return ("plain HTTP on the HTTPS port", "use https:// in the client (or the proxy's upstream URL)")
        case (.tls, "protocol_version"): return ("TLS version not accepted", "update the client to TLS 1.2 or 1.3")
        case (.tls, "no_shared_cipher"): return ("no cipher in common", "enable ECDHE cipher suites (TLS 1.2) or TLS 1.3 on the client")
        case (.tls, "malformed"): return ("not a TLS handshake", "the client is not speaking TLS (a scanner, or the wrong port)")
        case (.tls, let reason) where reason.hasPrefix("alert_unknown_ca") || reason.hasPrefix("alert_bad_certificate") || reason.hasPrefix("alert_certificate") || reason == "broken_off" || reason == "closed":
            return ("client does not trust certmap's certificate", trustAdvice)
        case (.tls, _): return ("TLS handshake failed", "check the client's TLS settings against certmap's (TLS 1.2/1.3, ECDHE); \(trustAdvice)")
        case (.malformedRequest, "target"): return ("request target refused (400)", "a target backends would read differently (encoded /, backslash, %2e%2e, ..;, double encoding, another host); from a real client, fix its URL encoding, otherwise it is an attack that failed")
        case (.malformedRequest, _): return ("malformed HTTP (400)", "a broken client or a probe; nothing to change in certmap")
        case (.limit, "431"): return ("request head too large (431)", "if the client is legitimate, raise server.limits.maxHeaderBytes")
        case (.limit, "413"): return ("request body too large (413)", "if the upload is legitimate, raise server.limits.maxBodyBytes")
        case (.limit, "timeout"): return ("too slow (408 or closed)", "a slow or stalled client (slowloris guard); raise server.limits.headerReadTimeoutSeconds or handshakeTimeoutSeconds only for known slow links")
        case (.limit, "connection_refused"): return ("connections refused at a limit", "one address held too many connections; if it is a proxy, list it in server.proxiedConnections or as a forwarder with an address (maxConnectionsPerProxyAddress), otherwise it is a flood")
        case (.limit, _): return ("limit reached", "see the example; raise the named server.limits setting only for legitimate clients")
        case (.malformedForwardedHeader, _): return ("malformed forwarded certificate (400)", "the forwarder sends a certificate header certmap cannot read; check how it escapes the certificate (nginx: $ssl_client_escaped_cert, once; HAProxy: ssl_c_der,base64)")
        case (.staleCRL, _): return ("CRL past its nextUpdate", "install the CA's current CRL at the path in trust.crls; certmap reloads it when the file changes")
        case (.spoof, _): return ("forwarded headers from a non-forwarder", "see the spoofing section")
        }
    }
}
