import CertMapCore
import NIOConcurrencyHelpers
import NIOSSL

/// The certificates a client presented during its handshake, captured by the verification
/// callback for the authentication pipeline.
///
/// certmap accepts every presented certificate at the TLS layer (SPEC §5) and validates it per
/// request, so an untrusted, expired or revoked certificate gets its 403.x substatus instead of
/// a handshake failure the operator cannot see.
final class PresentedChain: Sendable {
    private let box = NIOLockedValueBox<[CertificateIdentity]>([])

    /// Leaf first, as presented; empty when the client sent no certificate.
    var certificates: [CertificateIdentity] { box.withLockedValue { $0 } }

    /// The verification callback to install on the connection's `NIOSSLServerHandler`.
    var verificationCallback: NIOSSLCustomVerificationCallback {
        { [box] presented, promise in
            let identities = presented.compactMap { try? CertificateIdentity(derEncoded: $0.toDERBytes()) }
            box.withLockedValue { $0 = identities }
            promise.succeed(.certificateVerified)
        }
    }
}
