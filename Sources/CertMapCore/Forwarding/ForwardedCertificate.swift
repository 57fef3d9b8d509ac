/// The client certificate a trusted TLS-terminating proxy forwarded, with where it came from.
///
/// Only full certificates are ever carried here, never a distinguished-name string: mapping
/// from a DN a proxy typed into a header would let anyone with a look-alike certificate in
/// (docs/design.md §5). The chain lets the server validate the leaf exactly as it would a direct TLS peer.
public struct ForwardedCertificate: Hashable, Sendable {
    /// The format that decided, i.e. the highest-precedence enabled format whose header was present.
    public let format: ForwardedCertificateFormat
    /// The header the leaf was read from, spelled canonically (e.g. `Client-Cert`).
    public let headerName: String
    /// The client's (end-entity) certificate.
    public let leaf: CertificateIdentity
    /// Intermediate (and possibly root) certificates, leaf excluded, in TLS order.
    public let chain: [CertificateIdentity]
    /// Lower-precedence enabled formats whose headers were also present. They were ignored; the
    /// decision trace mentions them because two proxies (or a proxy and a client) disagree.
    public let otherFormatsPresent: [ForwardedCertificateFormat]
    /// For `X-Forwarded-Client-Cert`, which element the certificate was read from.
    public let xfccElement: XFCCElementPosition?

    public init(
        format: ForwardedCertificateFormat,
        headerName: String,
        leaf: CertificateIdentity,
        chain: [CertificateIdentity],
        otherFormatsPresent: [ForwardedCertificateFormat],
        xfccElement: XFCCElementPosition? = nil
    ) {
        self.xfccElement = xfccElement
        self.format = format
        self.headerName = headerName
        self.leaf = leaf
        self.chain = chain
        self.otherFormatsPresent = otherFormatsPresent
    }
}

/// What `ForwardedCertificateParser.parse(headers:)` found.
///
/// Three outcomes, because each leads somewhere different in the pipeline (docs/design.md §5): no
/// certificate (judge the request as certificate-less), a certificate (validate and map it),
/// or a broken header (HTTP 400 with the error's text; never a silent fallback).
public enum ForwardedCertificateResult: Hashable, Sendable {
    /// No enabled forwarded-certificate header is present, or the deciding header is one a
    /// proxy fills from a variable (`escapedPEM`, `base64DER`) and it is empty, which is how
    /// nginx and HAProxy say the client presented no certificate.
    case none
    case certificate(ForwardedCertificate)
    case malformed(ForwardedHeaderError)
}
