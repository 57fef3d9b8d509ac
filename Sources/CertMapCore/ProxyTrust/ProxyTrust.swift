import Foundation

/// The server's two proxy roles, compiled from `server.proxiedConnections` and
/// `server.certificateForwarders`: which connections count as proxied (for `legacy-iis4`), and
/// which peers may forward a user's certificate in a header.
///
/// The two were once one list of "trusted proxies", so an address that only had to count as a
/// proxy (the CONNECT proxy's) could also forward certificates — a forged header inside a
/// tunnel was believed. Now only a forwarder, identified by its own certificate, is believed.
public struct ProxyTrust: Sendable {
    public let proxiedRanges: [IPAddressRange]
    public let forwarders: [CertificateForwarder]

    public init(proxiedRanges: [IPAddressRange], forwarders: [CertificateForwarder]) {
        self.proxiedRanges = proxiedRanges
        self.forwarders = forwarders
    }

    /// What one connection is, judged once after its TLS handshake.
    public struct PeerRole: Hashable, Sendable {
        /// The connection counts as proxied (a proxied-connection address, or a forwarder).
        public let proxied: Bool
        /// The name of the forwarder the peer is, if it is one.
        public let forwarder: String?
        /// The TLS peer certificate identifies the forwarder itself, never a user, so it is not
        /// mapped when no certificate is forwarded.
        public let certificateIsForwarderIdentity: Bool
        /// The forwarder is trusted by address alone.
        public let forwarderIsWeak: Bool

        public static let direct = PeerRole(proxied: false, forwarder: nil, certificateIsForwarderIdentity: false, forwarderIsWeak: false)

        public init(proxied: Bool, forwarder: String?, certificateIsForwarderIdentity: Bool, forwarderIsWeak: Bool) {
            self.proxied = proxied
            self.forwarder = forwarder
            self.certificateIsForwarderIdentity = certificateIsForwarderIdentity
            self.forwarderIsWeak = forwarderIsWeak
        }

        public var mayForwardCertificates: Bool { forwarder != nil }
    }

    /// Whether `address` is a configured proxy's — a proxied-connection address or a certificate
    /// forwarder's — whose connections carry many clients and so are not held to the
    /// per-address limit of a single client (`ServerLimits.maxConnectionsPerProxyAddress`).
    public func isProxyAddress(_ address: IPAddress) -> Bool {
        proxiedRanges.contains { $0.contains(address) } || forwarders.contains { $0.range?.contains(address) ?? false }
    }

    /// The role of a connection from `address` whose TLS peer presented `leaf`.
    public func role(address: IPAddress?, leaf: CertificateIdentity?, at time: Date = Date()) -> PeerRole {
        if let forwarder = forwarders.first(where: { $0.admits(address: address, leaf: leaf, at: time) }) {
            return PeerRole(proxied: true, forwarder: forwarder.name, certificateIsForwarderIdentity: !forwarder.isWeak, forwarderIsWeak: forwarder.isWeak)
        }
        let proxied = address.map { address in proxiedRanges.contains { $0.contains(address) } } ?? false
        return PeerRole(proxied: proxied, forwarder: nil, certificateIsForwarderIdentity: false, forwarderIsWeak: false)
    }

    /// Compiles a validated `server` section, loading each forwarder's `ca` file from `home`.
    public static func load(_ server: ServerSettings, home: DataHome) throws -> ProxyTrust {
        try ProxyTrust(server) { index, path in
            let url = home.resolve(path)
            do {
                return try CertificateLoader.certificates(at: url)
            } catch {
                throw ConfigError.io(file: url.path, detail: "server.certificateForwarders[\(index)].ca: \(error)")
            }
        }
    }

    /// Compiles a validated `server` section; `authorities` reads a forwarder's `ca` file.
    public init(_ server: ServerSettings, authorities: (Int, String) throws -> [CertificateIdentity]) throws {
        proxiedRanges = server.proxiedConnections.compactMap { IPAddressRange($0.address) }
        forwarders = try server.certificateForwarders.enumerated().compactMap { index, entry in
            let range = entry.address.flatMap(IPAddressRange.init)
            let identification: CertificateForwarder.Identification
            if let hex = entry.sha256 {
                guard let pin = Fingerprint(hex: hex) else { return nil }
                identification = .pinned(pin)
            } else if let ca = entry.ca, let subject = entry.subject {
                identification = .issued(subject: subject, authorities: try authorities(index, ca))
            } else if entry.addressOnly, range != nil {
                identification = .addressOnly
            } else {
                return nil  // unreachable after validation
            }
            return CertificateForwarder(name: entry.displayName, identification: identification, range: range)
        }
    }
}
