/// Extracts the client certificate a TLS-terminating proxy forwarded in HTTP headers.
///
/// Behind a TLS-terminating proxy the TLS peer is the proxy, so the client's certificate comes
/// from a header — RFC 9440 `Client-Cert`, Envoy `X-Forwarded-Client-Cert`, nginx's escaped PEM or
/// HAProxy's base64 DER, in that order of precedence. The server calls `parse(headers:)` only for
/// a configured certificate forwarder (identified by the certificate it presents); for anyone else it uses `presentHeaderNames(in:)` to strip the same
/// headers and report the spoofing attempt.
///
/// Pure: no I/O and no NIO types, so the server, the replay dry-run and the tests share it.
/// Headers are plain name/value pairs, names compared case-insensitively (RFC 9110 §5.1).
public struct ForwardedCertificateParser: Sendable {
    public let settings: ForwardedHeaderSettings
    /// Every format's header names, lower-cased, as bytes: most requests carry none of them, and
    /// saying so is asked of every request without copying or lower-casing its header names.
    private let lowercasedHeaderNames: [[UInt8]]

    public init(settings: ForwardedHeaderSettings = ForwardedHeaderSettings()) {
        self.settings = settings
        self.lowercasedHeaderNames = settings.allHeaderNames.map { Array($0.lowercased().utf8) }
    }

    /// The certificate from the highest-precedence enabled format whose header is present.
    ///
    /// A malformed value in that header is `.malformed`, never a fall-back to a lower-precedence
    /// header: falling back would let whoever can add a header choose the weaker format.
    public func parse(headers: [(name: String, value: String)]) -> ForwardedCertificateResult {
        let lines = HeaderLines(headers)
        let present = enabledFormats.filter { isPresent($0, in: lines) }
        guard let deciding = present.first else { return .none }
        do {
            guard let decoded = try decode(deciding, from: lines) else { return .none }
            return .certificate(ForwardedCertificate(
                format: deciding,
                headerName: deciding.headerNames(settings: settings)[0],
                leaf: decoded.leaf,
                chain: decoded.chain,
                otherFormatsPresent: Array(present.dropFirst()),
                xfccElement: decoded.element
            ))
        } catch {
            return .malformed(error)
        }
    }

    /// Canonical names of every forwarded-certificate header in `headers`, for all four formats
    /// whether enabled or not: what must be stripped from an untrusted peer's request, and what
    /// the spoofing security event lists. Precedence order, each name once.
    public func presentHeaderNames(in headers: [(name: String, value: String)]) -> [String] {
        let lines = HeaderLines(headers)
        var names: [String] = []
        for format in ForwardedCertificateFormat.defaultPrecedence {
            for name in format.headerNames(settings: settings)
            where lines.contains(name) && !names.contains(where: { $0.lowercased() == name.lowercased() }) {
                names.append(name)
            }
        }
        return names
    }

    /// Whether `name` is a forwarded-certificate header of any format (case-insensitive), for
    /// stripping header by header.
    public func isForwardedCertificateHeader(_ name: String) -> Bool {
        let utf8 = name.utf8
        return lowercasedHeaderNames.contains { candidate in
            candidate.count == utf8.count && zip(candidate, utf8).allSatisfy { $0 == ($1 | (($1 >= 0x41 && $1 <= 0x5A) ? 0x20 : 0)) }
        }
    }

    /// `settings.enabledFormats` with repeats removed, keeping the first (highest) position.
    private var enabledFormats: [ForwardedCertificateFormat] {
        var seen: Set<ForwardedCertificateFormat> = []
        return settings.enabledFormats.filter { seen.insert($0).inserted }
    }

    private func isPresent(_ format: ForwardedCertificateFormat, in lines: HeaderLines) -> Bool {
        format.headerNames(settings: settings).contains { lines.contains($0) }
    }

    private func decode(_ format: ForwardedCertificateFormat, from lines: HeaderLines) throws(ForwardedHeaderError) -> DecodedCertificates? {
        let limit = settings.maxHeaderValueBytes
        switch format {
        case .rfc9440:
            return try RFC9440FieldDecoder.decode(lines, limit: limit)
        case .xfcc:
            return try XFCCFieldDecoder.decode(lines.values(named: ForwardedCertificateFormat.xfccHeader), limit: limit)
        case .escapedPEM:
            let header = settings.escapedPEMHeader
            return try ProxyVariableFieldDecoder.decodeEscapedPEM(lines.values(named: header), header: header, limit: limit)
        case .base64DER:
            let header = settings.base64DERHeader
            return try ProxyVariableFieldDecoder.decodeBase64DER(lines.values(named: header), header: header, limit: limit)
        }
    }
}
