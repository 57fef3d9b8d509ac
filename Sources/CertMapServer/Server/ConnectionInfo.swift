import CertMapCore
import CertMapJournal

/// What the request handler knows about its connection once the TLS handshake is done.
struct ConnectionInfo: Sendable {
    let id: ConnectionID
    /// `127.0.0.2:51234`.
    let peer: String
    /// Whether the connection counts as proxied and whether the peer is a certificate forwarder.
    let role: ProxyTrust.PeerRole
    /// The certificates the client presented in its handshake, leaf first (fixed for the
    /// connection's life: certmap does not renegotiate).
    let presented: [CertificateIdentity]
    /// The peer's IP address (nil when the socket has none, as in tests on an embedded channel).
    var address: IPAddress? = nil
}
