import Foundation

/// Why a certificate revocation list could not be read, written or trusted.
///
/// Each case carries a message that names the part of the CRL (RFC 5280 §5.1) or the
/// certificate involved, so an operator can tell a truncated file from a CRL signed by the
/// wrong CA without reaching for `openssl asn1parse`.
public enum CRLError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The DER structure does not follow RFC 5280 §5.1; the message says which field.
    case malformed(String)
    /// The CRL is signed with an algorithm certmap cannot verify or produce.
    case unsupportedSignatureAlgorithm(String)
    /// The CRL's signature does not verify with the public key of the named issuer.
    case signatureDoesNotVerify(issuer: String)
    /// The CRL names a different issuer than the certificate it is checked against.
    case issuerMismatch(crlIssuer: String, certificateSubject: String)
    /// The input was not a PEM "X509 CRL" document; the message says what was found.
    case notPEM(String)

    public var description: String {
        switch self {
        case .malformed(let message):
            return message
        case .unsupportedSignatureAlgorithm(let algorithm):
            return "CRL: unsupported signature algorithm \(algorithm); "
                + "use ECDSA (P-256/P-384/P-521) or RSA PKCS#1 v1.5 with SHA-256/384/512"
        case .signatureDoesNotVerify(let issuer):
            return "CRL signature does not verify with issuer \(issuer); "
                + "the CRL was not signed by this CA's key or was altered"
        case .issuerMismatch(let crlIssuer, let subject):
            return "CRL issuer \(crlIssuer) is not the certificate subject \(subject); "
                + "load the CRL published by \(subject)"
        case .notPEM(let message):
            return "CRL: \(message)"
        }
    }
}
