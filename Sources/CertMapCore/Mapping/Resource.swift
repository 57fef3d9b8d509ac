/// What a path does with client certificates: IIS's SSL settings per site, folder or file.
public enum ClientCertificatePolicy: String, Hashable, Sendable, Codable, CaseIterable {
    /// The certificate is not looked at; the request is anonymous.
    case ignore
    /// A certificate is mapped when presented; without one the request is anonymous.
    case accept
    /// A certificate is required (403.7 without one).
    case require
}

/// A path prefix with its client-certificate policy and who may use it.
///
/// The longest matching prefix applies. Prefixes match without regard to ASCII case unless
/// `caseSensitive` is set (IIS semantics: `/ADMIN` is the same folder as `/admin` on Windows, and
/// many applications route case-insensitively), and they are matched against the request's
/// normalised decision path (`RequestTarget.decisionPath`), never the raw target. Empty `allowAccounts` and `allowGroups` mean any mapped
/// (and enabled) account may use the resource; otherwise the account must be listed or belong to a
/// listed group (401.3 when not). `allowAnonymous` lets requests without a mapped account through.
public struct Resource: Hashable, Sendable {
    public var pathPrefix: String
    public var clientCertificate: ClientCertificatePolicy
    public var allowAccounts: [String]
    public var allowGroups: [String]
    public var allowAnonymous: Bool
    /// In gateway mode, where allowed requests under this prefix go (nil: the global upstream).
    public var upstream: UpstreamURL?
    /// Match the prefix byte for byte instead of ignoring ASCII case.
    public var caseSensitive: Bool

    public init(
        pathPrefix: String,
        clientCertificate: ClientCertificatePolicy = .require,
        allowAccounts: [String] = [],
        allowGroups: [String] = [],
        allowAnonymous: Bool = false,
        upstream: UpstreamURL? = nil,
        caseSensitive: Bool = false
    ) {
        self.upstream = upstream
        self.caseSensitive = caseSensitive
        self.pathPrefix = pathPrefix
        self.clientCertificate = clientCertificate
        self.allowAccounts = allowAccounts
        self.allowGroups = allowGroups
        self.allowAnonymous = allowAnonymous
    }

    /// Applies when no configured resource matches: certificate required, any mapped account.
    public static let implicitRoot = Resource(pathPrefix: "/")

    /// Whether this resource covers `path` (prefix on a segment boundary: `/admin` covers
    /// `/admin` and `/admin/x`, not `/administrator`).
    /// Compares bytes in place: it runs for every resource on every request.
    public func covers(_ path: String) -> Bool {
        let prefix = pathPrefix.utf8
        if prefix.count == 1 && prefix.first == UInt8(ascii: "/") { return true }
        let bytes = path.utf8
        let pathOnly = bytes[..<(bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex)]
        guard pathOnly.count >= prefix.count else { return false }
        let matches = caseSensitive
            ? pathOnly.starts(with: prefix)
            : zip(pathOnly, prefix).allSatisfy { Self.asciiLowercased($0) == Self.asciiLowercased($1) }
        guard matches else { return false }
        let rest = pathOnly.dropFirst(prefix.count)
        // `/admin` covers `/admin` and `/admin/x`; `/admin/` covers what starts with it.
        return rest.isEmpty || prefix.last == UInt8(ascii: "/") || rest.first == UInt8(ascii: "/")
    }

    @inline(__always)
    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
