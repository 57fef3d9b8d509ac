/// Why a forwarded-certificate header could not be turned into a certificate.
///
/// The text goes back to the caller as the body of an HTTP 400 (RFC 9440 §2.4 leaves the
/// response to the origin; 400 is what a malformed request field earns under RFC 9110 §15.5.1),
/// so each message is one short sentence naming the header and the fault, and never echoes the
/// header value itself. Offsets are 0-based byte offsets into the value named.
public enum ForwardedHeaderError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The value exceeds `ForwardedHeaderSettings.maxHeaderValueBytes`.
    case valueTooLong(header: String, bytes: Int, limit: Int)
    /// The header is present but empty where the format requires a certificate.
    case emptyValue(header: String)
    /// RFC 8941 syntax error: not a Byte Sequence (`:base64:`), or a List member of another type.
    case notAByteSequence(header: String, detail: String)
    /// `Client-Cert` repeated or given a list value (RFC 9440 §2.2 forbids both).
    case clientCertIsList(header: String)
    /// A single-certificate header (nginx, HAProxy) repeated, so which one counts is ambiguous.
    case repeatedHeader(header: String)
    /// `Client-Cert-Chain` without `Client-Cert` (RFC 9440 §2.3 forbids it).
    case chainWithoutClientCert
    /// Characters or length that base64 (RFC 4648 §4) does not allow.
    case invalidBase64(header: String, detail: String)
    /// The bytes decoded but are not a DER X.509 certificate; `reason` is the decoder's error code.
    case invalidCertificate(header: String, reason: String)
    /// A `%` not followed by two hex digits.
    case urlDecodingFailed(header: String, offset: Int)
    /// PEM text with no complete `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----` block.
    case noPEMCertificate(header: String)
    /// The value is still URL-encoded after one decoding (`%2D%2D%2D%2D%2DBEGIN`): the forwarder
    /// escaped an already escaped certificate (nginx `$ssl_client_escaped_cert` passed through
    /// another encoding step).
    case encodedTwice(header: String)
    /// Base64 DER without the PEM lines: the forwarder sends the other format.
    case pemWithoutArmour(header: String)
    /// XFCC `Cert=` holds more than one certificate (the chain belongs in `Chain=`).
    case tooManyCertificates(header: String, count: Int)
    /// An XFCC double-quoted value that never closes.
    case xfccUnterminatedQuote(header: String, offset: Int)
    /// Any other XFCC syntax fault.
    case xfccSyntax(header: String, offset: Int, detail: String)
    /// The rightmost XFCC element (the one our proxy added) carries no certificate.
    case xfccElementWithoutCertificate(header: String)

    public var description: String {
        switch self {
        case .valueTooLong(let header, let bytes, let limit):
            return "\(header): value is \(bytes) bytes, over the \(limit)-byte limit"
        case .emptyValue(let header):
            return "\(header): empty value; expected a certificate"
        case .notAByteSequence(let header, let detail):
            return "\(header): not a structured-field byte sequence (:base64:, RFC 8941 §3.3.5): \(detail)"
        case .clientCertIsList(let header):
            return "\(header): must be a single byte sequence, not a list or a repeated header (RFC 9440 §2.2)"
        case .repeatedHeader(let header):
            return "\(header): appears more than once; expected a single certificate"
        case .chainWithoutClientCert:
            return "\(ForwardedCertificateFormat.clientCertChainHeader): sent without \(ForwardedCertificateFormat.clientCertHeader) (RFC 9440 §2.3)"
        case .invalidBase64(let header, let detail):
            return "\(header): invalid base64: \(detail)"
        case .invalidCertificate(let header, let reason):
            return "\(header): not a DER X.509 certificate (\(reason))"
        case .urlDecodingFailed(let header, let offset):
            return "\(header): URL-decoding failed: malformed %-escape at offset \(offset)"
        case .noPEMCertificate(let header):
            return "\(header): PEM text without a complete -----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- block"
        case .encodedTwice(let header):
            return "\(header): the certificate is URL-encoded twice (still %2D%2D%2D%2D%2DBEGIN… after decoding); make the forwarder escape it once (nginx: $ssl_client_escaped_cert, with nothing else encoding it again)"
        case .pemWithoutArmour(let header):
            return "\(header): base64 DER without the -----BEGIN CERTIFICATE----- lines; send PEM here, or send the DER in the base64DER header (server.forwardedHeaders.base64DERHeader)"
        case .tooManyCertificates(let header, let count):
            return "\(header): Cert= holds \(count) certificates; expected one (the chain belongs in Chain=)"
        case .xfccUnterminatedQuote(let header, let offset):
            return "\(header): XFCC syntax error: quoted value opened at offset \(offset) is never closed"
        case .xfccSyntax(let header, let offset, let detail):
            return "\(header): XFCC syntax error at offset \(offset): \(detail)"
        case .xfccElementWithoutCertificate(let header):
            return "\(header): XFCC element has no Cert= or Chain= (a Subject/Hash alone cannot be mapped)"
        }
    }
}
