import CertMapCore

/// How the forward (CONNECT) proxy behaves: where it listens, the one upstream it tunnels to,
/// and the loopback address its outbound side binds so the server sees a proxied peer.
public struct ForwardProxySettings: Hashable, Sendable {
    public var listen: ListenAddress
    /// The certmap server: the only place this proxy tunnels to (it is not an open proxy).
    public var upstream: ListenAddress
    /// The address outbound connections come from (default 127.0.0.2, a proxied-connection
    /// address in the demo configuration; never a certificate forwarder).
    public var outboundHost: String
    public var maxTunnels: Int
    public var connectTimeoutSeconds: Int64
    /// A tunnel with no traffic either way for this long is closed.
    public var idleTimeoutSeconds: Int64

    public init(listen: ListenAddress, upstream: ListenAddress, outboundHost: String = "127.0.0.2", maxTunnels: Int = 256, connectTimeoutSeconds: Int64 = 5, idleTimeoutSeconds: Int64 = 120) {
        self.listen = listen
        self.upstream = upstream
        self.outboundHost = outboundHost
        self.maxTunnels = maxTunnels
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Whether `CONNECT target` may be tunnelled: the upstream's port, under a name that means
    /// the upstream (its host, `localhost`, or the loopback address it listens on).
    public func admits(_ target: String) -> Bool {
        guard let parsed = try? ListenAddress(parsing: target), parsed.port == upstream.port else { return false }
        let names: Set<String> = [upstream.host.lowercased(), "localhost", "127.0.0.1", "::1"]
        return names.contains(parsed.host.lowercased())
    }
}
