import CertMapCore

/// Where a request's certificate came from, in the order docs/design.md §5 checks: a forwarded header
/// from a certificate forwarder, else the TLS peer certificate of the connection.
enum CertificateSource: Hashable, Sendable {
    case tls(leaf: CertificateIdentity, chain: [CertificateIdentity])
    case forwarded(ForwardedCertificate)
    case none

    var leaf: CertificateIdentity? {
        switch self {
        case .tls(let leaf, _): return leaf
        case .forwarded(let forwarded): return forwarded.leaf
        case .none: return nil
        }
    }

    var chain: [CertificateIdentity] {
        switch self {
        case .tls(_, let chain): return chain
        case .forwarded(let forwarded): return forwarded.chain
        case .none: return []
        }
    }

    /// `tls`, `forwarded:xfcc`, `none` — recorded with the request.
    var label: String {
        switch self {
        case .tls: return "tls"
        case .forwarded(let forwarded): return "forwarded:\(forwarded.format.rawValue)"
        case .none: return "none"
        }
    }

    var explanation: String {
        switch self {
        case .tls(let leaf, _): return "TLS peer certificate of this connection: \(leaf.subject.rfc2253)"
        case .forwarded(let forwarded):
            let position = forwarded.xfccElement.map { ", \($0.text)" } ?? ""
            return "forwarded by the certificate forwarder in \(forwarded.headerName) (\(forwarded.format.rawValue)\(position)): \(forwarded.leaf.subject.rfc2253)"
        case .none: return "no client certificate on the connection and none forwarded"
        }
    }
}
