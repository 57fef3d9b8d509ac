/// The `server` section of the configuration: how the HTTPS server authenticates and protects itself.
public struct ServerSettings: Codable, Hashable, Sendable {
    /// When authentication is reset and re-mapped (SPEC §5). Written as a preset name
    /// (`"per-request"`) or as the four IIS flags.
    public var authPersistence: AuthPersistence
    /// Peers whose forwarded-certificate headers are believed: `{"address": "127.0.0.2"}` or
    /// `{"address": "10.0.0.0/8", "sha256": "AB:CD:..."}`.
    public var trustedProxies: [TrustedProxyEntry]
    /// Which forwarded-certificate headers trusted proxies may use, in precedence order.
    public var forwardedHeaders: ForwardedHeaderSettings
    public var limits: ServerLimits
    /// The server's own certificate and key (PEM), relative to the home.
    public var certificate: String
    public var privateKey: String

    public init(
        authPersistence: AuthPersistence = AuthPersistencePreset.perRequest.flags,
        trustedProxies: [TrustedProxyEntry] = [TrustedProxyEntry(address: "127.0.0.2")],
        forwardedHeaders: ForwardedHeaderSettings = ForwardedHeaderSettings(),
        limits: ServerLimits = ServerLimits(),
        certificate: String = "pki/server.crt",
        privateKey: String = "pki/server.key"
    ) {
        self.authPersistence = authPersistence
        self.trustedProxies = trustedProxies
        self.forwardedHeaders = forwardedHeaders
        self.limits = limits
        self.certificate = certificate
        self.privateKey = privateKey
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case authPersistence, trustedProxies, forwardedHeaders, limits, certificate, privateKey }

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
        trustedProxies = try container.decodeIfPresent([TrustedProxyEntry].self, forKey: .trustedProxies) ?? defaults.trustedProxies
        forwardedHeaders = try container.decodeIfPresent(ForwardedHeaderSettings.self, forKey: .forwardedHeaders) ?? defaults.forwardedHeaders
        limits = try container.decodeIfPresent(ServerLimits.self, forKey: .limits) ?? defaults.limits
        certificate = try container.decodeIfPresent(String.self, forKey: .certificate) ?? defaults.certificate
        privateKey = try container.decodeIfPresent(String.self, forKey: .privateKey) ?? defaults.privateKey
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let preset = authPersistence.preset {
            try container.encode(preset.rawValue, forKey: .authPersistence)
        } else {
            try container.encode(authPersistence, forKey: .authPersistence)
        }
        try container.encode(trustedProxies, forKey: .trustedProxies)
        try container.encode(forwardedHeaders, forKey: .forwardedHeaders)
        try container.encode(limits, forKey: .limits)
        try container.encode(certificate, forKey: .certificate)
        try container.encode(privateKey, forKey: .privateKey)
    }
}

/// A trusted proxy as written in the configuration file.
public struct TrustedProxyEntry: Codable, Hashable, Sendable {
    public var address: String
    public var sha256: String?

    public init(address: String, sha256: String? = nil) {
        self.address = address
        self.sha256 = sha256
    }

    /// The compiled form, or nil when the address or fingerprint does not parse (the validator reports it).
    public var trustedProxy: TrustedProxy? {
        guard let range = IPAddressRange(address) else { return nil }
        guard let sha256 else { return TrustedProxy(range: range) }
        return Fingerprint(hex: sha256).map { TrustedProxy(range: range, certificateFingerprint: $0) }
    }
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
    public var maxConnections: Int = 1024

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxHeaderBytes, maxBodyBytes, headerReadTimeoutSeconds, idleTimeoutSeconds, maxConnections
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxHeaderBytes = try container.decodeIfPresent(Int.self, forKey: .maxHeaderBytes) ?? maxHeaderBytes
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? maxBodyBytes
        headerReadTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .headerReadTimeoutSeconds) ?? headerReadTimeoutSeconds
        idleTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? idleTimeoutSeconds
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
    }
}
