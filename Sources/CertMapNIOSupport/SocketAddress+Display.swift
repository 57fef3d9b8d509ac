import NIOCore

extension SocketAddress {
    /// `127.0.0.1:443`, `[::1]:443`: how events and logs name a peer or a local address.
    public var displayText: String {
        guard let ip = ipAddress, let port else { return "\(self)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
