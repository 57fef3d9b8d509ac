/// The configuration file as stored on disk (`<home>/config.json`), version 1.
///
/// A faithful, Codable mirror of the JSON: it round-trips byte-stable (sorted keys, pretty
/// printed) so saves produce reviewable diffs. Semantic checks live in `ConfigValidator`;
/// turning a document into runnable values happens in `ConfigSnapshot`.
public struct ConfigDocument: Codable, Hashable, Sendable {
    /// The schema version this build reads and writes.
    public static let currentVersion = 1

    public var version: Int
    public var mapping: MappingSettings
    public var trust: TrustSettings
    public var accounts: [AccountEntry]
    public var oneToOne: [OneToOneEntry]
    public var manyToOne: [ManyToOneEntry]
    public var resources: [ResourceEntry]
    public var server: ServerSettings
    public var journal: JournalRetention

    public init(
        mapping: MappingSettings = MappingSettings(),
        trust: TrustSettings = TrustSettings(),
        accounts: [AccountEntry] = [],
        oneToOne: [OneToOneEntry] = [],
        manyToOne: [ManyToOneEntry] = [],
        resources: [ResourceEntry] = [],
        server: ServerSettings = ServerSettings(),
        journal: JournalRetention = JournalRetention()
    ) {
        self.version = Self.currentVersion
        self.mapping = mapping
        self.trust = trust
        self.accounts = accounts
        self.oneToOne = oneToOne
        self.manyToOne = manyToOne
        self.resources = resources
        self.server = server
        self.journal = journal
    }

    /// How loading changed an older file (one line per change), for the loader to show once.
    public var migrationNotes: [String] { server.migrationNotes.lines }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, mapping, trust, accounts, oneToOne, manyToOne, resources, server, journal
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        guard version == Self.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version,
                in: container,
                debugDescription: "version \(version) is not supported; this certmap reads version \(Self.currentVersion)"
            )
        }
        mapping = try container.decodeIfPresent(MappingSettings.self, forKey: .mapping) ?? MappingSettings()
        trust = try container.decodeIfPresent(TrustSettings.self, forKey: .trust) ?? TrustSettings()
        accounts = try container.decodeIfPresent([AccountEntry].self, forKey: .accounts) ?? []
        oneToOne = try container.decodeIfPresent([OneToOneEntry].self, forKey: .oneToOne) ?? []
        manyToOne = try container.decodeIfPresent([ManyToOneEntry].self, forKey: .manyToOne) ?? []
        resources = try container.decodeIfPresent([ResourceEntry].self, forKey: .resources) ?? []
        server = try container.decodeIfPresent(ServerSettings.self, forKey: .server) ?? ServerSettings()
        journal = try container.decodeIfPresent(JournalRetention.self, forKey: .journal) ?? JournalRetention()
    }
}

/// Switches for the two mapping kinds (IIS lets either be turned off).
public struct MappingSettings: Codable, Hashable, Sendable {
    public var oneToOneEnabled: Bool
    public var manyToOneEnabled: Bool

    public init(oneToOneEnabled: Bool = true, manyToOneEnabled: Bool = true) {
        self.oneToOneEnabled = oneToOneEnabled
        self.manyToOneEnabled = manyToOneEnabled
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case oneToOneEnabled, manyToOneEnabled }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        oneToOneEnabled = try container.decodeIfPresent(Bool.self, forKey: .oneToOneEnabled) ?? true
        manyToOneEnabled = try container.decodeIfPresent(Bool.self, forKey: .manyToOneEnabled) ?? true
    }
}

/// Where trust comes from: the CA bundle, CRL files and serials revoked by hand.
/// Relative paths are resolved against the data directory.
public struct TrustSettings: Codable, Hashable, Sendable {
    public var caBundle: String
    public var crls: [String]
    /// Serial numbers (hex, colons allowed) to treat as revoked without a CRL.
    public var revokedSerials: [String]
    /// Reject leaf certificates whose EKU does not allow client authentication.
    public var requireClientAuthUsage: Bool
    /// What a CRL past its nextUpdate means: `warn` (use it, report it) or `refuse` (refuse the
    /// certificates it covers with 403.13 until a current CRL is installed).
    public var staleCRL: StaleCRLPolicy

    public init(
        caBundle: String = "pki/ca-bundle.pem", crls: [String] = ["pki/crl.pem"], revokedSerials: [String] = [], requireClientAuthUsage: Bool = true,
        staleCRL: StaleCRLPolicy = .warn
    ) {
        self.staleCRL = staleCRL
        self.caBundle = caBundle
        self.crls = crls
        self.revokedSerials = revokedSerials
        self.requireClientAuthUsage = requireClientAuthUsage
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case caBundle, crls, revokedSerials, requireClientAuthUsage, staleCRL }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        caBundle = try container.decodeIfPresent(String.self, forKey: .caBundle) ?? "pki/ca-bundle.pem"
        crls = try container.decodeIfPresent([String].self, forKey: .crls) ?? ["pki/crl.pem"]
        revokedSerials = try container.decodeIfPresent([String].self, forKey: .revokedSerials) ?? []
        requireClientAuthUsage = try container.decodeIfPresent(Bool.self, forKey: .requireClientAuthUsage) ?? true
        staleCRL = try container.decodeChoiceIfPresent(StaleCRLPolicy.self, forKey: .staleCRL) ?? .warn
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caBundle, forKey: .caBundle)
        try container.encode(crls, forKey: .crls)
        try container.encode(revokedSerials, forKey: .revokedSerials)
        try container.encode(requireClientAuthUsage, forKey: .requireClientAuthUsage)
        // Written only when not the default, so files without it stay as they were.
        if staleCRL != .warn { try container.encode(staleCRL, forKey: .staleCRL) }
    }
}

/// What certmap does with the certificates a CRL past its nextUpdate covers (`trust.staleCRL`).
public enum StaleCRLPolicy: String, Hashable, Sendable, Codable, CaseIterable {
    /// Keep using the stale CRL, and report it (event, metric, diagnose).
    case warn
    /// Refuse the certificates it covers (403.13, revocation status unknown).
    case refuse
}
