import CertMapJournal

/// What the request handler knows about its connection once the TLS handshake is done.
struct ConnectionInfo: Sendable {
    let id: ConnectionID
    /// `127.0.0.2:51234`.
    let peer: String
    let peerIsTrustedProxy: Bool
    /// The TLS peer certificate is a trusted proxy's own pinned certificate: it identifies the
    /// proxy, never a user, so it is not mapped when no certificate is forwarded.
    let peerCertificateIsProxyIdentity: Bool
    let presented: PresentedChain
}
