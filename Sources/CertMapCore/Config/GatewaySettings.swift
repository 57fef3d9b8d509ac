/// The `server.gateway` section: certmap in front of the operator's own application. Allowed
/// requests are streamed to an upstream with the identity in headers; refused ones never reach it
/// and are answered by certmap as always (docs/gateway.md).
///
/// Without an upstream (the default) certmap answers every request itself, as the simulator does.
public struct GatewaySettings: Codable, Hashable, Sendable {
    /// Where allowed requests go (`http://127.0.0.1:8000`, `https://app.internal:8443/base`);
    /// a resource's own `upstream` wins for its paths. `certmap serve --upstream` overrides it.
    public var upstream: UpstreamURL?
    /// The names of the headers that carry the identity to the application.
    public var identityHeaders: IdentityHeaderNames
    /// Also pass the client certificate on, as RFC 9440 `Client-Cert` (the name in `identityHeaders`).
    public var forwardClientCertificate: Bool
    /// PEM bundle the upstream's certificate must chain to (https upstreams); relative to the home.
    /// Without one the system's trust roots apply.
    public var upstreamCABundle: String?
    /// Certificate and key certmap presents to an https upstream that asks for one.
    public var upstreamCertificate: String?
    public var upstreamPrivateKey: String?
    /// The TLS server name sent to an https upstream (default: the URL's host, when it is a name).
    public var upstreamServerName: String?
    /// Connecting to the upstream; longer is `502`.
    public var connectTimeoutSeconds: Double
    /// From the request being sent to the upstream's response head; longer is `504`.
    public var responseTimeoutSeconds: Double
    /// Idle upstream connections kept per event loop for the next request.
    public var maxIdleConnections: Int

    public init(
        upstream: UpstreamURL? = nil, identityHeaders: IdentityHeaderNames = IdentityHeaderNames(), forwardClientCertificate: Bool = false,
        upstreamCABundle: String? = nil, upstreamCertificate: String? = nil, upstreamPrivateKey: String? = nil, upstreamServerName: String? = nil,
        connectTimeoutSeconds: Double = 5, responseTimeoutSeconds: Double = 60, maxIdleConnections: Int = 32
    ) {
        self.upstream = upstream
        self.identityHeaders = identityHeaders
        self.forwardClientCertificate = forwardClientCertificate
        self.upstreamCABundle = upstreamCABundle
        self.upstreamCertificate = upstreamCertificate
        self.upstreamPrivateKey = upstreamPrivateKey
        self.upstreamServerName = upstreamServerName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.responseTimeoutSeconds = responseTimeoutSeconds
        self.maxIdleConnections = maxIdleConnections
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case upstream, identityHeaders, forwardClientCertificate, upstreamCABundle, upstreamCertificate, upstreamPrivateKey, upstreamServerName
        case connectTimeoutSeconds, responseTimeoutSeconds, maxIdleConnections
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GatewaySettings()
        upstream = try container.decodeIfPresent(UpstreamURL.self, forKey: .upstream)
        identityHeaders = try container.decodeIfPresent(IdentityHeaderNames.self, forKey: .identityHeaders) ?? defaults.identityHeaders
        forwardClientCertificate = try container.decodeIfPresent(Bool.self, forKey: .forwardClientCertificate) ?? false
        upstreamCABundle = try container.decodeIfPresent(String.self, forKey: .upstreamCABundle)
        upstreamCertificate = try container.decodeIfPresent(String.self, forKey: .upstreamCertificate)
        upstreamPrivateKey = try container.decodeIfPresent(String.self, forKey: .upstreamPrivateKey)
        upstreamServerName = try container.decodeIfPresent(String.self, forKey: .upstreamServerName)
        connectTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds) ?? defaults.connectTimeoutSeconds
        responseTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .responseTimeoutSeconds) ?? defaults.responseTimeoutSeconds
        maxIdleConnections = try container.decodeIfPresent(Int.self, forKey: .maxIdleConnections) ?? defaults.maxIdleConnections
    }

    /// Problems a person must fix, each naming its field under `server.gateway` (the timeouts are
    /// checked with every other timeout, by `ConfigValidator`).
    func problems() -> [(field: String, message: String)] {
        var found: [(String, String)] = []
        if !(0...10_000).contains(maxIdleConnections) { found.append(("maxIdleConnections", "must be between 0 and 10000")) }
        if (upstreamCertificate == nil) != (upstreamPrivateKey == nil) {
            found.append(("upstreamCertificate", "upstreamCertificate and upstreamPrivateKey go together"))
        }
        for (field, name) in identityHeaders.all where !IdentityHeaderNames.isToken(name) {
            found.append(("identityHeaders.\(field)", "\"\(name)\" is not a valid header name"))
        }
        return found
    }
}

/// The headers that carry a request's identity to the application behind certmap. Whatever a
/// client sent under these names is removed first, always, so the application can believe them
/// (as long as only certmap can reach it).
public struct IdentityHeaderNames: Codable, Hashable, Sendable {
    public var account: String = "X-CertMap-Account"
    public var groups: String = "X-CertMap-Groups"
    public var mapping: String = "X-CertMap-Mapping"
    public var decision: String = "X-CertMap-Decision"
    /// RFC 9440 `Client-Cert`, sent only with `forwardClientCertificate`.
    public var certificate: String = "Client-Cert"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case account, groups, mapping, decision, certificate }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = IdentityHeaderNames()
        account = try container.decodeIfPresent(String.self, forKey: .account) ?? defaults.account
        groups = try container.decodeIfPresent(String.self, forKey: .groups) ?? defaults.groups
        mapping = try container.decodeIfPresent(String.self, forKey: .mapping) ?? defaults.mapping
        decision = try container.decodeIfPresent(String.self, forKey: .decision) ?? defaults.decision
        certificate = try container.decodeIfPresent(String.self, forKey: .certificate) ?? defaults.certificate
    }

    /// Every name with its field, for validation and for stripping client copies.
    public var all: [(field: String, name: String)] {
        [("account", account), ("groups", groups), ("mapping", mapping), ("decision", decision), ("certificate", certificate)]
    }

    /// RFC 9110 §5.6.2 `token`.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}
