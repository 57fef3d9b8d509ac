/// An IIS one-to-one mapping: exactly this certificate maps to this account.
///
/// IIS stores the certificate's base64 DER; certmap keys the mapping by the SHA-256 of that DER,
/// which identifies the same certificate and makes the lookup a single hash probe. A renewed
/// certificate (new key or serial) does not match: that is the point of one-to-one mapping.
public struct OneToOneMapping: Hashable, Sendable {
    public var name: String
    public var isEnabled: Bool
    public var account: String
    public var fingerprint: Fingerprint
    /// The certificate itself when the configuration carries it (for display and IIS export).
    public var certificateDER: [UInt8]?
    /// The certificate's subject (RFC 2253) when the configuration records it, so a renewed
    /// certificate of the same user can be recognised as a near miss.
    public var subject: String?

    public init(name: String, isEnabled: Bool = true, account: String, fingerprint: Fingerprint, certificateDER: [UInt8]? = nil, subject: String? = nil) {
        self.name = name
        self.isEnabled = isEnabled
        self.account = account
        self.fingerprint = fingerprint
        self.certificateDER = certificateDER
        self.subject = subject
    }
}
