/// The `server` section of the configuration: how the HTTPS server authenticates and protects itself.
public struct ServerSettings: Codable, Hashable, Sendable {
    /// When authentication is reset and re-mapped (docs/design.md §5). Written as a preset name
    /// (`"per-request"`) or as the four IIS flags.
    public var authPersistence: AuthPersistence
    /// Addresses whose connections count as proxied (`{"address": "127.0.0.2"}`), for
    /// `legacy-iis4`. They may not forward certificates.
    public var proxiedConnections: [ProxiedConnectionEntry]
    /// TLS-terminating proxies whose forwarded-certificate headers are believed, identified by
    /// the certificate they present (`{"sha256": "AB:CD:...", "address": "127.0.0.3"}`).
    public var certificateForwarders: [CertificateForwarderEntry]
    /// Which forwarded-certificate headers forwarders may use, in precedence order.
    public var forwardedHeaders: ForwardedHeaderSettings
    public var limits: ServerLimits
    /// certmap in front of an application: where allowed requests go and how identity is passed on.
    public var gateway: GatewaySettings
    /// The server's own certificate and key (PEM), relative to the home.
    public var certificate: String
    public var privateKey: String
    /// What loading changed in an older file (one line per migrated `trustedProxies` entry);
    /// never written, and ignored when documents are compared.
    public var migrationNotes: ConfigMigrationNotes = ConfigMigrationNotes()

    public init(
        authPersistence: AuthPersistence = AuthPersistencePreset.perRequest.flags,
        proxiedConnections: [ProxiedConnectionEntry] = [ProxiedConnectionEntry(address: "127.0.0.2")],
        certificateForwarders: [CertificateForwarderEntry] = [],
        forwardedHeaders: ForwardedHeaderSettings = ForwardedHeaderSettings(),
        limits: ServerLimits = ServerLimits(),
        gateway: GatewaySettings = GatewaySettings(),
        certificate: String = "pki/server.crt",
        privateKey: String = "pki/server.key"
    ) {
        self.authPersistence = authPersistence
        self.proxiedConnections = proxiedConnections
        self.certificateForwarders = certificateForwarders
        self.forwardedHeaders = forwardedHeaders
        self.limits = limits
        self.gateway = gateway
        self.certificate = certificate
        self.privateKey = privateKey
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case authPersistence, proxiedConnections, certificateForwarders, forwardedHeaders, limits, gateway, certificate, privateKey
        /// Read from older files only, and migrated.
        case trustedProxies
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerSettings()
        if let preset = try? container.decode(String.self, forKey: .authPersistence) {
            guard let known = AuthPersistencePreset(rawValue: preset) else {
                let names = AuthPersistencePreset.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(forKey: .authPersistence, in: container, debugDescription: "unknown preset \"\(preset)\"; expected one of \(names), or an object with the four flags")
            }
            authPersistence = known.flags
        } else {
            authPersistence = try container.decodeIfPresent(AuthPersistence.self, forKey: .authPersistence) ?? defaults.authPersistence
        }
        let legacy = try container.decodeIfPresent([LegacyTrustedProxyEntry].self, forKey: .trustedProxies)
        proxiedConnections = try container.decodeIfPresent([ProxiedConnectionEntry].self, forKey: .proxiedConnections)
            ?? (legacy == nil ? defaults.proxiedConnections : [])
        certificateForwarders = try container.decodeIfPresent([CertificateForwarderEntry].self, forKey: .certificateForwarders) ?? []
        forwardedHeaders = try container.decodeIfPresent(ForwardedHeaderSettings.self, forKey: .forwardedHeaders) ?? defaults.forwardedHeaders
        limits = try container.decodeIfPresent(ServerLimits.self, forKey: .limits) ?? defaults.limits
        gateway = try container.decodeIfPresent(GatewaySettings.self, forKey: .gateway) ?? defaults.gateway
        certificate = try container.decodeIfPresent(String.self, forKey: .certificate) ?? defaults.certificate
        privateKey = try container.decodeIfPresent(String.self, forKey: .privateKey) ?? defaults.privateKey
        if let legacy { migrate(legacy) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let preset = authPersistence.preset {
            try container.encode(preset.rawValue, forKey: .authPersistence)
        } else {
            try container.encode(authPersistence, forKey: .authPersistence)
        }
        try container.encode(proxiedConnections, forKey: .proxiedConnections)
        try container.encode(certificateForwarders, forKey: .certificateForwarders)
        try container.encode(forwardedHeaders, forKey: .forwardedHeaders)
        try container.encode(limits, forKey: .limits)
        // Written only once someone sets it, so simulator-only files stay as they were.
        if gateway != GatewaySettings() { try container.encode(gateway, forKey: .gateway) }
        try container.encode(certificate, forKey: .certificate)
        try container.encode(privateKey, forKey: .privateKey)
    }
}

extension ServerSettings {
    /// Splits the old `trustedProxies` list into the two roles it mixed: a pinned entry (it
    /// presents a certificate) becomes a certificate forwarder narrowed to its address; an
    /// address-only entry becomes a proxied-connection address, which forwards nothing — an
    /// address is not an identity.
    mutating func migrate(_ legacy: [LegacyTrustedProxyEntry]) {
        for (index, entry) in legacy.enumerated() {
            if let sha256 = entry.sha256 {
                certificateForwarders.append(CertificateForwarderEntry(sha256: sha256, address: entry.address))
                migrationNotes.lines.append("server.trustedProxies[\(index)] (\(entry.address) presenting SHA-256 \(sha256.prefix(11))…) is now server.certificateForwarders[\(certificateForwarders.count - 1)]: it may forward client certificates")
            } else {
                proxiedConnections.append(ProxiedConnectionEntry(address: entry.address))
                migrationNotes.lines.append("server.trustedProxies[\(index)] (\(entry.address), no certificate) is now server.proxiedConnections[\(proxiedConnections.count - 1)]: its connections count as proxied, but forwarded certificates from it are no longer believed; to believe them, add it to server.certificateForwarders with the sha256 of its certificate")
            }
        }
    }
}

/// Lines saying how an older configuration file was read (migrated entries). Carried with the
/// document so whoever loaded it can show them once; equal to any other, so it never makes two
/// documents differ, and never encoded.
public struct ConfigMigrationNotes: Hashable, Sendable {
    public var lines: [String] = []

    public init(lines: [String] = []) {
        self.lines = lines
    }

    public static func == (lhs: ConfigMigrationNotes, rhs: ConfigMigrationNotes) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

/// Protective limits with defaults that suit an administration tool on loopback.
public struct ServerLimits: Codable, Hashable, Sendable {
    /// Request line plus headers; more gets 431.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Request body; more gets 413.
    public var maxBodyBytes: Int = 1024 * 1024
    /// Time allowed to receive a complete request head once a request starts (slowloris guard).
    public var headerReadTimeoutSeconds: Double = 10
    /// Time a keep-alive connection may sit idle between requests.
    public var idleTimeoutSeconds: Double = 60
    /// Concurrent connections; more are closed right after accept.
    public var maxConnections: Int = 8192
    /// Concurrent connections from one peer address, so one address cannot take every slot.
    public var maxConnectionsPerAddress: Int = 256
    /// Concurrent connections from the address of a configured proxy (a proxied-connection
    /// address, or a certificate forwarder with an `address`): its connections carry many
    /// clients, so it has a limit of its own instead of `maxConnectionsPerAddress`.
    public var maxConnectionsPerProxyAddress: Int = 4096
    /// Time a new connection has to complete its TLS handshake.
    public var handshakeTimeoutSeconds: Double = 5

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxHeaderBytes, maxBodyBytes, headerReadTimeoutSeconds, idleTimeoutSeconds, maxConnections, maxConnectionsPerAddress, handshakeTimeoutSeconds
        case maxConnectionsPerProxyAddress
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxHeaderBytes = try container.decodeIfPresent(Int.self, forKey: .maxHeaderBytes) ?? maxHeaderBytes
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? maxBodyBytes
        headerReadTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .headerReadTimeoutSeconds) ?? headerReadTimeoutSeconds
        idleTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? idleTimeoutSeconds
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        maxConnectionsPerAddress = try container.decodeIfPresent(Int.self, forKey: .maxConnectionsPerAddress) ?? maxConnectionsPerAddress
        maxConnectionsPerProxyAddress = try container.decodeIfPresent(Int.self, forKey: .maxConnectionsPerProxyAddress) ?? maxConnectionsPerProxyAddress
        handshakeTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .handshakeTimeoutSeconds) ?? handshakeTimeoutSeconds
    }
}
