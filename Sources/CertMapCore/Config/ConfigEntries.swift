/// An account as written in the configuration file.
public struct AccountEntry: Codable, Hashable, Sendable {
    public var name: String
    public var enabled: Bool
    public var groups: [String]

    public init(name: String, enabled: Bool = true, groups: [String] = []) {
        self.name = name
        self.enabled = enabled
        self.groups = groups
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, enabled, groups }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        groups = try container.decodeIfPresent([String].self, forKey: .groups) ?? []
    }
}

/// A one-to-one mapping as written in the configuration file: the certificate (base64 DER, as
/// IIS stores it) and/or its SHA-256 fingerprint, and the account.
public struct OneToOneEntry: Codable, Hashable, Sendable {
    public var name: String
    public var enabled: Bool
    public var account: String
    public var sha256: String?
    public var certificate: String?
    /// The certificate's subject, informational (never used to match).
    public var subject: String?

    public init(name: String, enabled: Bool = true, account: String, sha256: String?, certificate: String? = nil, subject: String? = nil) {
        self.name = name
        self.enabled = enabled
        self.account = account
        self.sha256 = sha256
        self.certificate = certificate
        self.subject = subject
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, enabled, account, sha256, certificate, subject }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        account = try container.decode(String.self, forKey: .account)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        certificate = try container.decodeIfPresent(String.self, forKey: .certificate)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
    }
}

/// A many-to-one mapping as written in the configuration file.
public struct ManyToOneEntry: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    public var enabled: Bool
    public var permission: MappingPermission
    public var account: String?
    public var rules: [RuleEntry]

    public init(name: String, description: String = "", enabled: Bool = true, permission: MappingPermission = .allow, account: String?, rules: [RuleEntry]) {
        self.name = name
        self.description = description
        self.enabled = enabled
        self.permission = permission
        self.account = account
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, enabled, permission, account, rules }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        permission = try container.decodeChoiceIfPresent(MappingPermission.self, forKey: .permission) ?? .allow
        account = try container.decodeIfPresent(String.self, forKey: .account)
        rules = try container.decodeIfPresent([RuleEntry].self, forKey: .rules) ?? []
    }
}

/// A many-to-one rule as written in the configuration file.
public struct RuleEntry: Codable, Hashable, Sendable {
    public var field: CertificateField
    public var subfield: CertificateSubfield
    public var match: String
    public var caseSensitive: Bool

    public init(field: CertificateField = .subject, subfield: CertificateSubfield, match: String, caseSensitive: Bool = false) {
        self.field = field
        self.subfield = subfield
        self.match = match
        self.caseSensitive = caseSensitive
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case field, subfield, match, caseSensitive }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decodeChoiceIfPresent(CertificateField.self, forKey: .field) ?? .subject
        subfield = try container.decodeChoice(CertificateSubfield.self, forKey: .subfield)
        match = try container.decode(String.self, forKey: .match)
        caseSensitive = try container.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
    }
}

/// A resource rule as written in the configuration file.
public struct ResourceEntry: Codable, Hashable, Sendable {
    public var path: String
    public var clientCertificate: ClientCertificatePolicy
    public var allowAccounts: [String]
    public var allowGroups: [String]
    public var allowAnonymous: Bool
    /// In gateway mode, where allowed requests under this path go (else `server.gateway.upstream`).
    public var upstream: UpstreamURL?
    /// Match `path` byte for byte; by default ASCII case is ignored (`/ADMIN` is governed by `/admin`).
    public var caseSensitive: Bool

    public init(
        path: String, clientCertificate: ClientCertificatePolicy = .require, allowAccounts: [String] = [], allowGroups: [String] = [],
        allowAnonymous: Bool = false, upstream: UpstreamURL? = nil, caseSensitive: Bool = false
    ) {
        self.upstream = upstream
        self.caseSensitive = caseSensitive
        self.path = path
        self.clientCertificate = clientCertificate
        self.allowAccounts = allowAccounts
        self.allowGroups = allowGroups
        self.allowAnonymous = allowAnonymous
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case path, clientCertificate, allowAccounts, allowGroups, allowAnonymous, upstream, caseSensitive }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        clientCertificate = try container.decodeChoiceIfPresent(ClientCertificatePolicy.self, forKey: .clientCertificate) ?? .require
        allowAccounts = try container.decodeIfPresent([String].self, forKey: .allowAccounts) ?? []
        allowGroups = try container.decodeIfPresent([String].self, forKey: .allowGroups) ?? []
        allowAnonymous = try container.decodeIfPresent(Bool.self, forKey: .allowAnonymous) ?? false
        upstream = try container.decodeIfPresent(UpstreamURL.self, forKey: .upstream)
        caseSensitive = try container.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(clientCertificate, forKey: .clientCertificate)
        try container.encode(allowAccounts, forKey: .allowAccounts)
        try container.encode(allowGroups, forKey: .allowGroups)
        try container.encode(allowAnonymous, forKey: .allowAnonymous)
        try container.encodeIfPresent(upstream, forKey: .upstream)
        // Written only when set, so files without it stay as they were.
        if caseSensitive { try container.encode(caseSensitive, forKey: .caseSensitive) }
    }
}
