/// An address or range whose connections count as proxied, as written in `server.proxiedConnections`.
///
/// It exists for `legacy-iis4`: IIS 4.0 reset authentication after every request on a proxied
/// connection (KB Q190009), so the server must know which peers are proxies. Being proxied grants
/// nothing: forwarded-certificate headers from such a peer are still stripped as spoofed.
public struct ProxiedConnectionEntry: Codable, Hashable, Sendable {
    public var address: String

    public init(address: String) {
        self.address = address
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case address }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(String.self, forKey: .address)
    }
}

/// A TLS-terminating proxy whose forwarded-certificate headers are believed, as written in
/// `server.certificateForwarders`.
///
/// A forwarder is identified by the certificate it presents on its own TLS connection to the
/// server — a SHA-256 pin (`sha256`), or a CA and subject (`ca` + `subject`) — and may be narrowed
/// by `address`. Trust by address alone is possible only with `"addressOnly": true`: any process
/// that can bind that address could then forge identities, so validation reports it as weak.
public struct CertificateForwarderEntry: Codable, Hashable, Sendable {
    /// How the forwarder is named in traces and warnings; defaults to what identifies it.
    public var name: String?
    /// SHA-256 of the certificate the forwarder presents (64 hex digits, colons allowed).
    public var sha256: String?
    /// A PEM file (relative to the home) of the CA(s) that issue the forwarder's certificate.
    public var ca: String?
    /// The forwarder certificate's exact subject, RFC 2253 (`CN=proxy,O=Example`), with `ca`.
    public var subject: String?
    /// An address or CIDR range the forwarder must connect from.
    public var address: String?
    /// Trust `address` without any certificate (weak; never the default).
    public var addressOnly: Bool

    public init(name: String? = nil, sha256: String? = nil, ca: String? = nil, subject: String? = nil, address: String? = nil, addressOnly: Bool = false) {
        self.name = name
        self.sha256 = sha256
        self.ca = ca
        self.subject = subject
        self.address = address
        self.addressOnly = addressOnly
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, sha256, ca, subject, address, addressOnly }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        ca = try container.decodeIfPresent(String.self, forKey: .ca)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        address = try container.decodeIfPresent(String.self, forKey: .address)
        addressOnly = try container.decodeIfPresent(Bool.self, forKey: .addressOnly) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(sha256, forKey: .sha256)
        try container.encodeIfPresent(ca, forKey: .ca)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encodeIfPresent(address, forKey: .address)
        if addressOnly { try container.encode(true, forKey: .addressOnly) }
    }

    /// `"reverse proxy"`, else what identifies it: `SHA-256 AB:CD:EF:01…`, `CN=proxy from pki/ca.pem`, `address 10.0.0.5`.
    public var displayName: String {
        if let name, !name.isEmpty { return name }
        var parts: [String] = []
        if let sha256 { parts.append("SHA-256 \(sha256.prefix(11))…") }
        if let subject { parts.append(ca.map { "\(subject) from \($0)" } ?? subject) }
        if let address { parts.append(parts.isEmpty ? "address \(address)" : "at \(address)") }
        return parts.isEmpty ? "unnamed forwarder" : parts.joined(separator: " ")
    }
}

/// The `trustedProxies` entry of configurations written before the two proxy roles were
/// separated; read only, to migrate it (`ServerSettings`).
struct LegacyTrustedProxyEntry: Codable, Hashable, Sendable {
    var address: String
    var sha256: String?
}
