import CertMapCore
import NIOHTTP1

/// Whether a request came through a proxy, as IIS judged it: the TCP peer is a proxied-connection
/// address or a certificate forwarder, or the request carries `Via`, `Forwarded` or
/// `X-Forwarded-For`.
struct ProxyIndication: Hashable, Sendable {
    static let headerNames = ["via", "forwarded", "x-forwarded-for"]

    let role: ProxyTrust.PeerRole
    /// The proxy headers present, lower-cased.
    let headers: [String]

    init(role: ProxyTrust.PeerRole, requestHeaders: HTTPHeaders) {
        self.role = role
        self.headers = Self.headerNames.filter { requestHeaders.contains(name: $0) }
    }

    var isProxied: Bool { role.proxied || !headers.isEmpty }

    /// The route recorded with the request, as far as the server can tell it from the wire:
    /// - `reverse`: the peer is a certificate forwarder (only a TLS-terminating proxy is one);
    /// - `forward`: the peer is a proxied-connection address but the TLS session is the user's
    ///   own (a CONNECT tunnel: the proxy cannot add headers or present a certificate of its own);
    /// - `proxied`: only `Via`/`Forwarded`/`X-Forwarded-For` say a proxy was involved;
    /// - `direct`: no proxy indication at all.
    var route: String {
        if role.mayForwardCertificates { return "reverse" }
        if role.proxied { return "forward" }
        return headers.isEmpty ? "direct" : "proxied"
    }

    /// Why the request counts as proxied (forwarder, proxied address, proxy headers) or "direct".
    var explanation: String {
        var reasons: [String] = []
        if let forwarder = role.forwarder {
            reasons.append("the peer is the certificate forwarder \(forwarder)\(role.forwarderIsWeak ? " (trusted by address only: weak)" : "")")
        } else if role.proxied {
            reasons.append("the peer's address is a proxied-connection address (it may not forward certificates)")
        }
        if !headers.isEmpty { reasons.append("the request carries " + headers.joined(separator: ", ")) }
        return reasons.isEmpty ? "direct connection (no proxy indication)" : "proxied: " + reasons.joined(separator: " and ")
    }
}
