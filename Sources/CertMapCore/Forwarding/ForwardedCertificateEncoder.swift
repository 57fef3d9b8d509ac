import Foundation

/// Writes a client certificate into forwarded-certificate headers the way each proxy family
/// does — the inverse of `ForwardedCertificateParser`, used by the reverse-proxy simulator (and
/// by tests that forge headers).
public struct ForwardedCertificateEncoder: Sendable {
    public let settings: ForwardedHeaderSettings

    public init(settings: ForwardedHeaderSettings = ForwardedHeaderSettings()) {
        self.settings = settings
    }

    /// The headers carrying `leaf` (DER) and the rest of its `chain` (DER, issuer order) in `format`.
    public func headers(format: ForwardedCertificateFormat, leaf: [UInt8], chain: [[UInt8]] = []) -> [(name: String, value: String)] {
        switch format {
        case .rfc9440:
            var headers = [(ForwardedCertificateFormat.clientCertHeader, Self.byteSequence(leaf))]
            if !chain.isEmpty {
                headers.append((ForwardedCertificateFormat.clientCertChainHeader, chain.map(Self.byteSequence).joined(separator: ", ")))
            }
            return headers
        case .xfcc:
            var element = "Hash=\(Fingerprint.sha256(of: leaf).hex);Cert=\"\(Self.urlEncoded(Self.pem(leaf)))\""
            if !chain.isEmpty {
                element += ";Chain=\"\(Self.urlEncoded(([leaf] + chain).map(Self.pem).joined()))\""
            }
            return [(ForwardedCertificateFormat.xfccHeader, element)]
        case .escapedPEM:
            return [(settings.escapedPEMHeader, Self.urlEncoded(Self.pem(leaf)))]
        case .base64DER:
            return [(settings.base64DERHeader, Data(leaf).base64EncodedString())]
        }
    }

    /// RFC 8941 Byte Sequence: `:base64:`.
    static func byteSequence(_ der: [UInt8]) -> String {
        ":" + Data(der).base64EncodedString() + ":"
    }

    /// PEM with 64-column lines and a trailing newline, as openssl and nginx write it.
    static func pem(_ der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
    }

    /// Percent-encoding of everything but `A-Z a-z 0-9 - . _ ~` (nginx `$ssl_client_escaped_cert`).
    static func urlEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
