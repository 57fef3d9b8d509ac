/// Why a CA bundle could not become a ``TrustStore``. The source (file path or "CA bundle")
/// is always named so the operator knows which file to fix.
public enum TrustStoreError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The file could not be read.
    case unreadable(source: String, reason: String)
    /// The text holds no PEM "CERTIFICATE" blocks.
    case noCertificates(source: String)
    /// A PEM block is not a certificate or does not parse; `index` counts from 1.
    case invalidCertificate(source: String, index: Int, reason: String)
    /// Certificates were found, but none is self-signed, so nothing can anchor trust.
    case noTrustAnchor(source: String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            return "\(source): cannot read CA bundle: \(reason)"
        case .noCertificates(let source):
            return "\(source): no PEM CERTIFICATE blocks found; a CA bundle is one or more -----BEGIN CERTIFICATE----- blocks"
        case .invalidCertificate(let source, let index, let reason):
            return "\(source): PEM block \(index) is not a valid certificate: \(reason)"
        case .noTrustAnchor(let source):
            return "\(source): no self-signed root certificate found; add the root CA to the bundle"
        }
    }
}
