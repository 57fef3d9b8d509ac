import NIOHTTP1

/// Whether a request came through a proxy, as IIS judged it: the TCP peer is a trusted proxy,
/// or the request carries `Via`, `Forwarded` or `X-Forwarded-For` (SPEC §5).
struct ProxyIndication: Hashable, Sendable {
    static let headerNames = ["via", "forwarded", "x-forwarded-for"]

    let peerIsTrustedProxy: Bool
    /// The proxy headers present, lower-cased.
    let headers: [String]

    init(peerIsTrustedProxy: Bool, requestHeaders: HTTPHeaders) {
        self.peerIsTrustedProxy = peerIsTrustedProxy
        self.headers = Self.headerNames.filter { requestHeaders.contains(name: $0) }
    }

    var isProxied: Bool { peerIsTrustedProxy || !headers.isEmpty }

    /// "trusted proxy peer", "Via header", or "direct".
    var explanation: String {
        var reasons: [String] = []
        if peerIsTrustedProxy { reasons.append("the peer is a trusted proxy") }
        if !headers.isEmpty { reasons.append("the request carries " + headers.joined(separator: ", ")) }
        return reasons.isEmpty ? "direct connection (no proxy indication)" : "proxied: " + reasons.joined(separator: " and ")
    }
}
