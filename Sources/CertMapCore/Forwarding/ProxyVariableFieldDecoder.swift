/// Reads the single-header formats that nginx and HAProxy fill from a variable:
/// `escapedPEM` (nginx `$ssl_client_escaped_cert`, or the deprecated `$ssl_client_cert`) and
/// `base64DER` (HAProxy `%[ssl_c_der,base64]`).
///
/// Neither has a specification beyond the proxies' documentation, so the decoder accepts what
/// those proxies actually send: an optional pair of quotes (HAProxy's `%{+Q}`), and for PEM either
/// %-escaping or folded lines. An empty value is how both say "the client sent no certificate"
/// (HAProxy substitutes an empty string; nginx documents the variable as empty), so it yields `nil`.
enum ProxyVariableFieldDecoder {
    /// nginx: URL-encoded PEM, leaf first; further certificates, if any, are the chain.
    static func decodeEscapedPEM(_ values: [String], header: String, limit: Int) throws(ForwardedHeaderError) -> DecodedCertificates? {
        guard let value = try singleValue(values, header: header, limit: limit) else { return nil }
        // A raw PEM never contains '%', so decoding is harmless for the deprecated unescaped form.
        let pem = try CertificateTextDecoding.percentDecode(String(value), header: header)
        let certificates = try CertificateTextDecoding.certificatesInPEM(pem, header: header)
        return DecodedCertificates(leaf: certificates[0], chain: Array(certificates.dropFirst()))
    }

    /// HAProxy: base64 of the DER leaf, no line breaks.
    static func decodeBase64DER(_ values: [String], header: String, limit: Int) throws(ForwardedHeaderError) -> DecodedCertificates? {
        guard let value = try singleValue(values, header: header, limit: limit) else { return nil }
        if value.hasPrefix("-----BEGIN") {
            throw .invalidBase64(header: header, detail: "the value is PEM; configure this header as escapedPEM")
        }
        let der = try CertificateTextDecoding.base64(value, header: header)
        return DecodedCertificates(leaf: try CertificateTextDecoding.identity(der: der, header: header), chain: [])
    }

    /// The one value, unquoted; nil when empty. A repeated header is ambiguous and rejected.
    private static func singleValue(_ values: [String], header: String, limit: Int) throws(ForwardedHeaderError) -> Substring? {
        guard values.count == 1 else { throw .repeatedHeader(header: header) }
        try checkLength(values[0], header: header, limit: limit)
        let value = CertificateTextDecoding.unquoted(values[0])
        return value.isEmpty ? nil : value
    }
}
