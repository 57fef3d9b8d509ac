/// How a TLS-terminating proxy hands the client certificate on to us in an HTTP header.
///
/// The proxy, not the client, performed the TLS handshake, so the only evidence of the client's
/// identity we get is what the proxy copies into a header (docs/design.md §5, "source"). Each
/// proxy family has its own encoding; the raw values are the names used in the configuration
/// file and on the command line.
public enum ForwardedCertificateFormat: String, CaseIterable, Codable, Hashable, Sendable {
    /// RFC 9440: `Client-Cert` holds the DER leaf as an RFC 8941 Byte Sequence (`:base64:`), and the
    /// optional `Client-Cert-Chain` holds the rest of the chain as a List of Byte Sequences.
    case rfc9440
    /// Envoy's `X-Forwarded-Client-Cert`: `,`-separated elements of `;`-separated `Key=Value`
    /// pairs, one element per proxy hop; the certificate is URL-encoded PEM in `Cert=` (and
    /// `Chain=`). See Envoy's "HTTP header manipulation" documentation, x-forwarded-client-cert.
    case xfcc
    /// nginx `$ssl_client_escaped_cert` (URL-encoded PEM), also accepting the deprecated
    /// `$ssl_client_cert` (PEM whose lines are folded with tabs or spaces), in a configurable header.
    case escapedPEM
    /// HAProxy `ssl_c_der,base64`: the DER certificate as plain base64, in a configurable header.
    case base64DER

    /// The precedence docs/design.md §5 prescribes: the standard first, raw base64 last.
    public static let defaultPrecedence: [ForwardedCertificateFormat] = [.rfc9440, .xfcc, .escapedPEM, .base64DER]

    /// The header names that carry this format, as they are usually spelled. Matching is
    /// case-insensitive (RFC 9110 §5.1).
    public func headerNames(settings: ForwardedHeaderSettings) -> [String] {
        switch self {
        case .rfc9440: return [Self.clientCertHeader, Self.clientCertChainHeader]
        case .xfcc: return [Self.xfccHeader]
        case .escapedPEM: return [settings.escapedPEMHeader]
        case .base64DER: return [settings.base64DERHeader]
        }
    }

    /// RFC 9440 §2.2.
    public static let clientCertHeader = "Client-Cert"
    /// RFC 9440 §2.3.
    public static let clientCertChainHeader = "Client-Cert-Chain"
    /// Envoy's header name.
    public static let xfccHeader = "X-Forwarded-Client-Cert"
}
