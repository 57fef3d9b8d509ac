/// Which forwarded-certificate headers certmap reads, in which order, and how large they may be.
///
/// Operators behind a single proxy usually enable just that proxy's format; the default accepts
/// all four in docs/design.md §5's order. The order matters for security: the first enabled format whose
/// header is present decides, and a malformed value there is an error rather than a reason to
/// fall back, so a client cannot choose the weakest format. The nginx and HAProxy formats have no
/// standard header name, so theirs are configurable.
public struct ForwardedHeaderSettings: Codable, Hashable, Sendable {
    /// Enabled formats, highest precedence first. Duplicates are ignored after their first use.
    public var enabledFormats: [ForwardedCertificateFormat]
    /// The header nginx fills with `$ssl_client_escaped_cert` (or `$ssl_client_cert`).
    public var escapedPEMHeader: String
    /// The header HAProxy fills with `%[ssl_c_der,base64]`.
    public var base64DERHeader: String
    /// Longest accepted header value, in bytes; a P-256 certificate is under 1 KiB, an RSA-4096
    /// chain a few KiB, so the default leaves room for a chain without inviting abuse.
    public var maxHeaderValueBytes: Int

    public static let defaultEscapedPEMHeader = "X-SSL-Client-Cert"
    public static let defaultBase64DERHeader = "X-SSL-Client-DER"
    public static let defaultMaxHeaderValueBytes = 16384

    public init(
        enabledFormats: [ForwardedCertificateFormat] = ForwardedCertificateFormat.defaultPrecedence,
        escapedPEMHeader: String = Self.defaultEscapedPEMHeader,
        base64DERHeader: String = Self.defaultBase64DERHeader,
        maxHeaderValueBytes: Int = Self.defaultMaxHeaderValueBytes
    ) {
        self.enabledFormats = enabledFormats
        self.escapedPEMHeader = escapedPEMHeader
        self.base64DERHeader = base64DERHeader
        self.maxHeaderValueBytes = maxHeaderValueBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabledFormats, escapedPEMHeader, base64DERHeader, maxHeaderValueBytes
    }

    /// Missing keys take their defaults; unknown keys and unknown format names are errors that
    /// list the accepted values (see `StrictDecoding.swift`).
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let names = try container.decodeIfPresent([String].self, forKey: .enabledFormats) {
            enabledFormats = try names.map { name in
                guard let format = ForwardedCertificateFormat(rawValue: name) else {
                    let choices = ForwardedCertificateFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    throw DecodingError.dataCorruptedError(
                        forKey: .enabledFormats, in: container,
                        debugDescription: "unknown forwarded-certificate format \"\(name)\"; expected one of \(choices)"
                    )
                }
                return format
            }
        } else {
            enabledFormats = ForwardedCertificateFormat.defaultPrecedence
        }
        escapedPEMHeader = try container.decodeIfPresent(String.self, forKey: .escapedPEMHeader) ?? Self.defaultEscapedPEMHeader
        base64DERHeader = try container.decodeIfPresent(String.self, forKey: .base64DERHeader) ?? Self.defaultBase64DERHeader
        maxHeaderValueBytes = try container.decodeIfPresent(Int.self, forKey: .maxHeaderValueBytes) ?? Self.defaultMaxHeaderValueBytes
        guard maxHeaderValueBytes > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxHeaderValueBytes, in: container,
                debugDescription: "maxHeaderValueBytes must be positive, got \(maxHeaderValueBytes)"
            )
        }
    }
}

extension ForwardedHeaderSettings {
    /// Every format's header names, whether enabled or not: what the parser looks for, and what a
    /// gateway strips in every spelling (`HeaderNameFolding`) before passing a request on.
    public var allHeaderNames: [String] {
        ForwardedCertificateFormat.allCases.flatMap { $0.headerNames(settings: self) }
    }
}
