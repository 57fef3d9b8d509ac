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

    /// The route recorded with the request, as far as the server can tell it from the wire:
    /// - `reverse`: a certificate was forwarded in a header, or the peer authenticated with a
    ///   trusted proxy's own pinned certificate (only a TLS-terminating proxy can do either);
    /// - `forward`: the peer is a trusted proxy but the TLS session is the user's own (a CONNECT
    ///   tunnel: the proxy cannot add headers or present a certificate of its own);
    /// - `proxied`: only `Via`/`Forwarded`/`X-Forwarded-For` say a proxy was involved;
    /// - `direct`: no proxy indication at all.
    func route(certificateWasForwarded: Bool, peerCertificateIsProxyIdentity: Bool) -> String {
        if certificateWasForwarded || (peerIsTrustedProxy && peerCertificateIsProxyIdentity) { return "reverse" }
        if peerIsTrustedProxy { return "forward" }
        return headers.isEmpty ? "direct" : "proxied"
    }

    /// "trusted proxy peer", "Via header", or "direct".
    var explanation: String {
        var reasons: [String] = []
        if peerIsTrustedProxy { reasons.append("the peer is a trusted proxy") }
        if !headers.isEmpty { reasons.append("the request carries " + headers.joined(separator: ", ")) }
        return reasons.isEmpty ? "direct connection (no proxy indication)" : "proxied: " + reasons.joined(separator: " and ")
    }
}
