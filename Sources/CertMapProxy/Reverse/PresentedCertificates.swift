import CertMapCore
import NIOConcurrencyHelpers
import NIOSSL

/// The certificates a client showed the reverse proxy, captured by the verification callback,
/// which accepts anything: like nginx's `ssl_verify_client optional_no_ca`, the proxy requests a
/// certificate and passes it on, and the server judges it.
final class PresentedCertificates: Sendable {
    private let box = NIOLockedValueBox<[CertificateIdentity]>([])

    var verificationCallback: NIOSSLCustomVerificationCallback {
        { [box] presented, promise in
            box.withLockedValue { $0 = presented.compactMap { try? CertificateIdentity(derEncoded: $0.toDERBytes()) } }
            promise.succeed(.certificateVerified)
        }
    }

    /// Leaf first; on a resumed TLS session (no callback) the session's leaf.
    func chain(fallback: NIOSSLCertificate?) -> [CertificateIdentity] {
        let captured = box.withLockedValue { $0 }
        if !captured.isEmpty { return captured }
        guard let fallback, let leaf = try? CertificateIdentity(derEncoded: fallback.toDERBytes()) else { return [] }
        return [leaf]
    }
}
