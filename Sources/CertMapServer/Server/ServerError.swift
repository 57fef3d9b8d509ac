/// Why the server could not start, phrased for the operator.
public enum ServerError: Error, Hashable, CustomStringConvertible {
    case tls(file: String, detail: String)
    case bind(address: String, detail: String)

    public var description: String {
        switch self {
        case .tls(let file, let detail): return "\(file): \(detail)"
        case .bind(_, let detail): return "HTTPS server: \(detail)"
        }
    }
}
