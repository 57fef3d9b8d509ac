/// Why a proxy could not start, in one line for the operator.
public enum ProxyError: Error, Hashable, Sendable, CustomStringConvertible {
    case bind(what: String, address: String, detail: String)
    case tls(what: String, detail: String)

    public var description: String {
        switch self {
        case .bind(let what, let address, let detail): return "\(what): cannot listen on \(address): \(detail)"
        case .tls(let what, let detail): return "\(what): \(detail)"
        }
    }
}
