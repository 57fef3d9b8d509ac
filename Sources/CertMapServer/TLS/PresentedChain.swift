import CertMapCore
import NIOConcurrencyHelpers
import NIOSSL

/// The certificates a client presented during its handshake, captured by the verification
/// callback for the authentication pipeline.
///
/// certmap accepts every presented certificate at the TLS layer (docs/design.md §5) and validates it per
/// request, so an untrusted, expired or revoked certificate gets its 403.x substatus instead of
/// a handshake failure the operator cannot see.
final class PresentedChain: Sendable {
    private let box = NIOLockedValueBox<[CertificateIdentity]>([])

    /// Leaf first, as presented; empty when the client sent no certificate.
    var certificates: [CertificateIdentity] { box.withLockedValue { $0 } }

    /// Records the leaf of a resumed TLS session: on resumption the client does not send its
    /// certificate again and the verification callback is not called, but the session still
    /// carries the leaf it was established with (swift-nio-ssl's `peerCertificate`).
    func adoptResumedSessionLeaf(_ leaf: NIOSSLCertificate) {
        guard let identity = try? CertificateIdentity(derEncoded: leaf.toDERBytes()) else { return }
        box.withLockedValue { if $0.isEmpty { $0 = [identity] } }
    }

    /// The verification callback to install on the connection's `NIOSSLServerHandler`.
    var verificationCallback: NIOSSLCustomVerificationCallback {
        { [box] presented, promise in
            let identities = presented.compactMap { try? CertificateIdentity(derEncoded: $0.toDERBytes()) }
            box.withLockedValue { $0 = identities }
            promise.succeed(.certificateVerified)
        }
    }
}
