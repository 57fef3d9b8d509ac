import CertMapJournal

/// What the request handler knows about its connection once the TLS handshake is done.
struct ConnectionInfo: Sendable {
    let id: ConnectionID
    /// `127.0.0.2:51234`.
    let peer: String
    let peerIsTrustedProxy: Bool
    let presented: PresentedChain
}
