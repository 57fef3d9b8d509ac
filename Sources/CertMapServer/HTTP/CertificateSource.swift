import CertMapCore

/// Where a request's certificate came from, in the order docs/design.md §5 checks: a forwarded header
/// from a certificate forwarder, else the TLS peer certificate of the connection.
enum CertificateSource: Hashable, Sendable {
    case tls(leaf: CertificateIdentity, chain: [CertificateIdentity])
    case forwarded(format: String, header: String, leaf: CertificateIdentity, chain: [CertificateIdentity], element: XFCCElementPosition?)
    case none

    var leaf: CertificateIdentity? {
        switch self {
        case .tls(let leaf, _), .forwarded(_, _, let leaf, _, _): return leaf
        case .none: return nil
        }
    }

    var chain: [CertificateIdentity] {
        switch self {
        case .tls(_, let chain), .forwarded(_, _, _, let chain, _): return chain
        case .none: return []
        }
    }

    /// `tls`, `forwarded:xfcc`, `none` — recorded with the request.
    var label: String {
        switch self {
        case .tls: return "tls"
        case .forwarded(let format, _, _, _, _): return "forwarded:\(format)"
        case .none: return "none"
        }
    }

    var explanation: String {
        switch self {
        case .tls(let leaf, _): return "TLS peer certificate of this connection: \(leaf.subject.rfc2253)"
        case .forwarded(let format, let header, let leaf, _, let element):
            let position = element.map { ", \($0.text)" } ?? ""
            return "forwarded by the certificate forwarder in \(header) (\(format)\(position)): \(leaf.subject.rfc2253)"
        case .none: return "no client certificate on the connection and none forwarded"
        }
    }
}
