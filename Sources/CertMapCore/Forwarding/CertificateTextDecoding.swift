import Foundation
import SwiftASN1
import X509

/// The text encodings proxies wrap a certificate in — base64, %-escapes, PEM — undone leniently
/// where real proxies differ and strictly where a difference would change the bytes.
///
/// Shared by the format decoders so that, say, nginx's PEM and Envoy's `Cert=` PEM are read by
/// the same code. Every failure is a `ForwardedHeaderError` naming `header`.
enum CertificateTextDecoding {
    /// Parses DER bytes as a certificate; the error keeps only the decoder's error code (its full
    /// description carries source file paths, which do not belong in an HTTP response).
    static func identity(der: [UInt8], header: String, context: String = "") throws(ForwardedHeaderError) -> CertificateIdentity {
        do {
            return try CertificateIdentity(derEncoded: der)
        } catch {
            let code: String
            if let error = error as? ASN1Error {
                code = "ASN.1 \(error.code)"
            } else if let error = error as? CertificateError {
                code = "\(error.code)"
            } else {
                code = "\(type(of: error))"
            }
            throw .invalidCertificate(header: header, reason: der.isEmpty ? "\(context)no bytes" : context + code)
        }
    }

    /// Standard base64 (RFC 4648 §4). Missing `=` padding is synthesised, as RFC 8941 §4.2.7
    /// asks of byte-sequence parsers; anything else outside the alphabet is an error.
    static func base64(_ text: Substring, header: String, context: String = "") throws(ForwardedHeaderError) -> [UInt8] {
        for (offset, byte) in text.utf8.enumerated() where !isBase64(byte) {
            let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
            throw .invalidBase64(header: header, detail: "\(context)\(shown) at offset \(offset) is not in the base64 alphabet")
        }
        var padded = String(text)
        let remainder = padded.utf8.count % 4
        if remainder == 2 || remainder == 3 { padded += String(repeating: "=", count: 4 - remainder) }
        guard let data = Data(base64Encoded: padded) else {
            throw .invalidBase64(header: header, detail: "\(context)\(text.utf8.count) characters do not form whole base64 quanta")
        }
        return Array(data)
    }

    /// Undoes %XX escapes. Unlike form decoding, `+` stays `+`: it is a base64 character, and
    /// nginx escapes it as `%2B` anyway, so reading it as a space would corrupt the certificate.
    static func percentDecode(_ text: String, header: String) throws(ForwardedHeaderError) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = HexDigit.value(bytes[index + 1]), let low = HexDigit.value(bytes[index + 2]) else {
                throw .urlDecodingFailed(header: header, offset: index)
            }
            output.append(high << 4 | low)
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Every CERTIFICATE block in `text`. Whitespace inside a block is ignored rather than
    /// checked for 64-character lines, because nginx's deprecated `$ssl_client_cert` folds the
    /// lines with tabs and an HTTP parser may have turned that folding into single spaces.
    static func certificatesInPEM(_ text: String, header: String) throws(ForwardedHeaderError) -> [CertificateIdentity] {
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        var certificates: [CertificateIdentity] = []
        var rest = text[...]
        while let start = rest.range(of: begin) {
            guard let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) else {
                throw .noPEMCertificate(header: header)
            }
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            let context = "PEM certificate \(certificates.count + 1): "
            let der = try base64(body[...], header: header, context: context)
            certificates.append(try identity(der: der, header: header, context: context))
            rest = rest[stop.upperBound...]
        }
        guard !certificates.isEmpty else { throw noPEMReason(text, header: header) }
        return certificates
    }

    /// Why text holds no PEM block, as precisely as it can be told: encoded twice, or DER
    /// without the armour, or neither.
    static func noPEMReason(_ text: String, header: String) -> ForwardedHeaderError {
        let upper = text.uppercased()
        if upper.contains("%2D%2D%2D%2D%2DBEGIN") || upper.contains("BEGIN%20CERTIFICATE") { return .encodedTwice(header: header) }
        let compact = text.filter { !$0.isWhitespace }
        if compact.count >= 64, compact.utf8.allSatisfy(isBase64) { return .pemWithoutArmour(header: header) }
        return .noPEMCertificate(header: header)
    }

    /// Removes optional surrounding whitespace and one pair of double quotes — HAProxy's
    /// `%{+Q}[...]` log-format flag quotes the value it substitutes.
    static func unquoted(_ value: String) -> Substring {
        let trimmed = value.trimmingCharacters(in: .whitespaces)[...]
        if trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" {
            return trimmed.dropFirst().dropLast()
        }
        return trimmed
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
