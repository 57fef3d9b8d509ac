/// Why a proxy could not start, in one line for the operator.
public enum ProxyError: Error, Hashable, Sendable, CustomStringConvertible {
    case bind(what: String, address: String, detail: String)
    case tls(what: String, detail: String)
    /// The server's configuration would let a forged identity in through the proxies.
    case unsafeTrust(String)

    public var description: String {
        switch self {
        case .bind(let what, _, let detail): return "\(what): \(detail)"
        case .tls(let what, let detail): return "\(what): \(detail)"
        case .unsafeTrust(let message): return message
        }
    }
}
