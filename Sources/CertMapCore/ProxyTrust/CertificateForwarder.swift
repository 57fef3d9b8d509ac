import Foundation
import X509

/// A compiled `server.certificateForwarders` entry: decides whether one connection is this
/// TLS-terminating proxy, from the certificate the connection presented and its address.
///
/// Only a forwarder's headers can carry a user's certificate: the proxy terminates the user's TLS
/// and authenticates itself to the server, so the server knows who vouches for the header. A
/// CONNECT tunnel never qualifies — the TLS inside it is the client's own.
public struct CertificateForwarder: Sendable, CustomStringConvertible {
    /// What the connection must present.
    public enum Identification: Sendable {
        /// A certificate with this SHA-256.
        case pinned(Fingerprint)
        /// A certificate with exactly this subject (RFC 2253), signed by one of these CAs and
        /// within its validity period.
        case issued(subject: String, authorities: [CertificateIdentity])
        /// Nothing: the address alone (weak, explicitly configured).
        case addressOnly
    }

    public let name: String
    public let identification: Identification
    /// nil: any address.
    public let range: IPAddressRange?

    public init(name: String, identification: Identification, range: IPAddressRange?) {
        self.name = name
        self.identification = identification
        self.range = range
    }

    /// Trusted by address alone: any process that can use the address could forge identities.
    public var isWeak: Bool {
        if case .addressOnly = identification { return true }
        return false
    }

    /// Whether a connection from `address` whose TLS peer presented `leaf` is this forwarder.
    public func admits(address: IPAddress?, leaf: CertificateIdentity?, at time: Date) -> Bool {
        if let range {
            guard let address, range.contains(address) else { return false }
        }
        switch identification {
        case .addressOnly:
            return range != nil
        case .pinned(let pin):
            return leaf?.sha256 == pin
        case .issued(let subject, let authorities):
            guard let leaf, Self.certificate(leaf, hasSubject: subject), !leaf.isCertificateAuthority,
                leaf.notValidBefore <= time, time <= leaf.notValidAfter
            else { return false }
            return authorities.contains { authority in
                authority.certificate.subject == leaf.certificate.issuer
                    && authority.certificate.publicKey.isValidSignature(leaf.certificate.signature, for: leaf.certificate)
            }
        }
    }

    /// Whether `leaf` has the configured `subject` — the one comparison admission, slip diagnosis
    /// and `certmap doctor` all make (RFC 2253 text, exactly).
    public static func certificate(_ leaf: CertificateIdentity, hasSubject subject: String) -> Bool {
        leaf.subject.rfc2253 == subject
    }

    public var description: String {
        let place = range.map { " at \($0)" } ?? ""
        switch identification {
        case .pinned(let pin): return "\(name) (certificate SHA-256 \(pin.colonHex.prefix(11))…\(place))"
        case .issued(let subject, _): return "\(name) (certificate \(subject)\(place))"
        case .addressOnly: return "\(name) (address only\(place), weak)"
        }
    }
}
