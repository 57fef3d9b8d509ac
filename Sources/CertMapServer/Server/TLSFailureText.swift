import NIOSSL

/// A failed TLS handshake in words for the operator, from the BoringSSL reason names inside
/// NIOSSL's error (`HTTP_REQUEST`, `UNSUPPORTED_PROTOCOL`, ...), never the error dump with its
/// build paths, plus a short stable reason for counting (the metrics' `reason` label). What
/// certmap cannot know for sure it says with "probably".
enum TLSFailureText {
    /// What went wrong: `reason` is one of a small fixed set (`plain_http`, `protocol_version`,
    /// `no_shared_cipher`, `alert_<name>`, `broken_off`, `malformed`, `closed`, `other`).
    struct Failure: Hashable {
        let reason: String
        let text: String

        /// Whether the client probably ended the handshake because it does not trust certmap.
        var suggestsDistrust: Bool {
            ["alert_unknown_ca", "alert_bad_certificate", "alert_certificate_unknown", "alert_certificate_expired", "broken_off", "closed"].contains(reason)
        }
    }

    static func describe(_ error: Error) -> String { classify(error).text }

    static func classify(_ error: Error) -> Failure {
        let text = String(describing: error)
        let reasons = Self.reasons(in: text)
        if reasons.contains("HTTP_REQUEST") || reasons.contains("HTTPS_PROXY_REQUEST") {
            return Failure(reason: "plain_http", text: "the client spoke plain HTTP to the HTTPS port (use https://)")
        }
        if reasons.contains("UNSUPPORTED_PROTOCOL") || reasons.contains("WRONG_VERSION_NUMBER") {
            return Failure(reason: "protocol_version", text: "the client offered only TLS versions certmap does not accept (TLS 1.2 and 1.3 are)")
        }
        if reasons.contains("NO_SHARED_CIPHER") || reasons.contains("NO_SHARED_GROUP") {
            return Failure(reason: "no_shared_cipher", text: "the client and certmap have no cipher suite or key-exchange group in common")
        }
        if let alert = reasons.first(where: { $0.hasPrefix("TLSV1_ALERT_") || $0.hasPrefix("SSLV3_ALERT_") }) {
            let token = alert.replacingOccurrences(of: "TLSV1_ALERT_", with: "").replacingOccurrences(of: "SSLV3_ALERT_", with: "").lowercased()
            let name = token.replacingOccurrences(of: "_", with: " ")
            let trust = ["unknown ca", "bad certificate", "certificate unknown", "certificate expired"].contains(name)
                ? " — it probably does not trust certmap's certificate (give it <home>/pki/ca-bundle.pem)" : ""
            return Failure(reason: "alert_\(token)", text: "the client ended the handshake with the alert \"\(name)\"\(trust)")
        }
        if reasons.contains("DECRYPTION_FAILED_OR_BAD_RECORD_MAC") || reasons.contains("BAD_PACKET_LENGTH") {
            return Failure(reason: "broken_off", text: "the client broke off the handshake — probably because it does not trust certmap's certificate (give it <home>/pki/ca-bundle.pem)")
        }
        if reasons.contains("CLIENTHELLO_PARSE_FAILED") || reasons.contains("DECODE_ERROR") || reasons.contains("UNEXPECTED_RECORD") {
            return Failure(reason: "malformed", text: "the client sent bytes that are not a well-formed TLS handshake")
        }
        if case NIOSSLError.uncleanShutdown = error {
            return Failure(reason: "closed", text: "the client closed the connection during the TLS handshake (it may not trust certmap's certificate)")
        }
        if let first = reasons.first {
            return Failure(reason: "other", text: "the TLS handshake failed (\(first.lowercased().replacingOccurrences(of: "_", with: " ")))")
        }
        return Failure(reason: "other", text: "the TLS handshake failed (not TLS, or the client gave up)")
    }

    /// `HTTP_REQUEST` from `error:1000009c:SSL routines:OPENSSL_internal:HTTP_REQUEST at /…`.
    private static func reasons(in text: String) -> [String] {
        text.components(separatedBy: "OPENSSL_internal:").dropFirst().map { String($0.prefix { $0.isLetter || $0.isNumber || $0 == "_" }) }
    }
}
