/// Something the proxy simulator did on behalf of a client, linking the client's connection to
/// the proxy with the upstream connection the server saw: `upstreamLocal` is exactly the `peer`
/// the server records in `ConnectionOpened` and `RequestRecord`, so joining on it shows which
/// user's request travelled on which server connection (and who shared one).
public struct ProxyHop: Codable, Hashable, Sendable {
    /// Which proxy simulator the hop went through: the forward (CONNECT tunnel) proxy or the
    /// TLS-terminating reverse proxy.
    public enum Proxy: String, Codable, Hashable, Sendable {
        case forward
        case reverse
    }

    /// What the proxy did for the client: opened or closed a tunnel, forwarded a request, or
    /// refused it.
    public enum Action: String, Codable, Hashable, Sendable {
        /// A CONNECT tunnel was opened to the server.
        case tunnelOpened
        /// A tunnel ended (`bytes` carried both ways).
        case tunnelClosed
        /// A request was forwarded over an upstream connection.
        case forwarded
        /// The proxy refused the client (`detail` says why).
        case refused
    }

    public let proxy: Proxy
    public let action: Action
    /// The proxy's own number for the client connection (`f3`, `r12` in text).
    public let clientConnection: UInt64
    public let clientPeer: String
    /// The upstream connection's local address, as the server sees it; nil when none was made.
    public let upstreamLocal: String?
    public let method: String?
    public let path: String?
    /// The client certificate's subject (never a key), for the reverse proxy.
    public let clientCertificate: String?
    /// The forwarded-certificate format used, for the reverse proxy (`rfc9440`, `none`).
    public let forwardedFormat: String?
    public let bytes: Int?
    public let detail: String?

    public init(
        proxy: Proxy, action: Action, clientConnection: UInt64, clientPeer: String, upstreamLocal: String? = nil, method: String? = nil,
        path: String? = nil, clientCertificate: String? = nil, forwardedFormat: String? = nil, bytes: Int? = nil, detail: String? = nil
    ) {
        self.proxy = proxy
        self.action = action
        self.clientConnection = clientConnection
        self.clientPeer = clientPeer
        self.upstreamLocal = upstreamLocal
        self.method = method
        self.path = path
        self.clientCertificate = clientCertificate
        self.forwardedFormat = forwardedFormat
        self.bytes = bytes
        self.detail = detail
    }

    /// `f3`, `r12`: the client connection as the Events screen writes it.
    public var clientLabel: String { "\(proxy == .forward ? "f" : "r")\(clientConnection)" }
}

/// The words after `forward proxy f3` in text output.
enum ProxyHopText {
    static func describe(_ hop: ProxyHop) -> String {
        let upstream = hop.upstreamLocal.map { " → server as \($0)" } ?? ""
        switch hop.action {
        case .tunnelOpened: return "tunnel from \(hop.clientPeer) opened\(upstream)"
        case .tunnelClosed: return "tunnel from \(hop.clientPeer) closed\(hop.bytes.map { " after \($0) bytes" } ?? "")"
        case .forwarded:
            let who = hop.clientCertificate ?? "no client certificate"
            return "\(hop.method ?? "?") \(hop.path ?? "?") from \(hop.clientPeer) [\(who), forwarded as \(hop.forwardedFormat ?? "none")]\(upstream)"
        case .refused: return "refused \(hop.clientPeer): \(hop.detail ?? "")"
        }
    }
}
