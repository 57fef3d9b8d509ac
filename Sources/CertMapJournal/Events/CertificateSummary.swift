import CertMapCore
import Foundation

/// What events and the journal keep of a certificate: enough to show, search and replay by
/// fingerprint, never the private key. The DER is kept so a replay can present the same certificate.
public struct CertificateSummary: Codable, Hashable, Sendable {
    public let subject: String
    public let issuer: String
    public let commonName: String
    public let serialNumber: String
    public let sha256: String
    public let notValidBefore: Date
    public let notValidAfter: Date

    public init(_ identity: CertificateIdentity) {
        self.subject = identity.subject.rfc2253
        self.issuer = identity.issuer.rfc2253
        self.commonName = identity.subject.commonName
        self.serialNumber = identity.serialNumber
        self.sha256 = identity.sha256.colonHex
        self.notValidBefore = identity.notValidBefore
        self.notValidAfter = identity.notValidAfter
    }

    init(subject: String, issuer: String, commonName: String, serialNumber: String, sha256: String, notValidBefore: Date, notValidAfter: Date) {
        self.subject = subject
        self.issuer = issuer
        self.commonName = commonName
        self.serialNumber = serialNumber
        self.sha256 = sha256
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
    }
}
