/// IIS's `system.webServer/security/access` `sslFlags`: a comma-separated set of `None`, `Ssl`,
/// `SslNegotiateCert`, `SslRequireCert`, `Ssl128` (numerically 0, 8, 32, 64, 256; the AccessSection
/// WMI class documents both). certmap reads only the client-certificate part of it.
public struct IISSSLFlags: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let ssl = IISSSLFlags(rawValue: 8)
    public static let negotiateCertificate = IISSSLFlags(rawValue: 32)
    public static let requireCertificate = IISSSLFlags(rawValue: 64)
    public static let ssl128 = IISSSLFlags(rawValue: 256)

    /// The keywords in the order IIS Manager writes them.
    static let keywords: [(String, IISSSLFlags)] = [
        ("Ssl", .ssl), ("SslNegotiateCert", .negotiateCertificate), ("SslRequireCert", .requireCertificate), ("Ssl128", .ssl128),
    ]

    /// Parses `"Ssl, SslNegotiateCert"` (keywords case-insensitive, as IIS accepts them) or a
    /// number; nil with the offending word when a part is neither.
    public static func parse(_ text: String) -> Result<IISSSLFlags, IISSSLFlagsError> {
        let trimmed = text.trimmingSpaces
        if let number = Int(trimmed) {
            let known = keywords.reduce(0) { $0 | $1.1.rawValue }
            guard number >= 0, number & ~known == 0 else { return .failure(IISSSLFlagsError(word: trimmed)) }
            return .success(IISSSLFlags(rawValue: number))
        }
        var flags: IISSSLFlags = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces }) {
            if part.lowercased() == "none" { continue }
            guard let match = keywords.first(where: { $0.0.lowercased() == part.lowercased() }) else {
                return .failure(IISSSLFlagsError(word: part))
            }
            flags.insert(match.1)
        }
        return .success(flags)
    }

    /// `Ssl, SslNegotiateCert, SslRequireCert`, or `None`.
    public var text: String {
        let words = Self.keywords.filter { contains($0.1) }.map(\.0)
        return words.isEmpty ? "None" : words.joined(separator: ", ")
    }

    /// What IIS does with client certificates under these flags.
    public var clientCertificatePolicy: ClientCertificatePolicy {
        if contains(.requireCertificate) { return .require }
        if contains(.negotiateCertificate) { return .accept }
        return .ignore
    }

    /// The flags IIS Manager writes for a policy ("Require SSL" is always on: certmap serves HTTPS only).
    public init(policy: ClientCertificatePolicy) {
        switch policy {
        case .ignore: self = [.ssl]
        case .accept: self = [.ssl, .negotiateCertificate]
        case .require: self = [.ssl, .negotiateCertificate, .requireCertificate]
        }
    }
}

/// An `sslFlags` value with a word that is not one of IIS's keywords.
public struct IISSSLFlagsError: Error, Hashable {
    public let word: String
}
