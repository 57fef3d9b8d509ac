import Foundation

/// What `certmap pki init` created: every credential with its files, subject and fingerprint,
/// so the CLI, scenarios and tests can find "alice" or "the revoked user" without
/// re-deriving file names.
public struct DemoPKIManifest: Sendable, Hashable, Codable {
    /// The purpose of a credential in the demo; synthetic clients pick identities by role.
    public enum Role: String, Sendable, Hashable, Codable {
        case rootCA, issuingCA, untrustedCA, server, proxy
        case user, expiredUser, notYetValidUser, revokedUser, impostorUser
    }

    /// One certificate + key pair on disk.
    public struct Credential: Sendable, Hashable, Codable {
        /// File stem, e.g. "alice" for alice.crt / alice.key.
        public var name: String
        public var role: Role
        public var certificatePath: URL
        public var keyPath: URL
        /// The subject in RFC 4514 form as swift-certificates prints it ("CN=alice,OU=...").
        public var subject: String
        /// SHA-256 of the certificate DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`).
        public var sha256Fingerprint: String
        /// The serial number, upper-case hex.
        public var serialNumber: String
    }

    /// The PKI directory.
    public var directory: URL
    /// The trust bundle: root + issuing CA.
    public var caBundlePath: URL
    /// The CRL of the issuing CA listing the revoked user.
    public var crlPath: URL
    /// All credentials, CAs first.
    public var credentials: [Credential]

    /// The credential with this file stem, if any.
    public func credential(named name: String) -> Credential? {
        credentials.first { $0.name == name }
    }
}
