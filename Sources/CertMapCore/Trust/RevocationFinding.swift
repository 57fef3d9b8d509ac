import Foundation

/// Evidence that a certificate in a chain is revoked: which one, by whom, when and why.
/// It becomes the 403.13 trace line, so it names the source a support engineer can check.
public struct RevocationFinding: Sendable, Hashable, Codable {
    /// Where the revocation came from.
    public enum Source: Sendable, Hashable, Codable {
        /// Listed in the CRL issued by the named CA.
        case crl(issuer: String, crlNumber: String?)
        /// Listed in certmap's configured revoked serial numbers.
        case configuredSerials
        /// Not known: the CRL of the named CA is past its nextUpdate and `trust.staleCRL` is `refuse`.
        case staleCRL(issuer: String, nextUpdate: Date)
    }

    /// Subject of the revoked certificate, as traces print it ("CN=revoked-user").
    public var subject: String
    /// Serial number, upper-case hex.
    public var serialNumber: String
    public var source: Source
    /// Revocation date from the CRL entry (nil for configured serials).
    public var revocationDate: Date?
    /// Reason from the CRL entry's reasonCode, if given.
    public var reason: CRLReason?

    /// The trace line, e.g. "revocation: serial 3F2A… of CN=revoked-user revoked by CRL of
    /// CN=CertMap Demo Issuing CA on 2026-11-25 (keyCompromise)".
    public var note: String {
        if case .staleCRL(let issuer, let nextUpdate) = source {
            return "revocation: status of serial \(serialNumber) of \(subject) unknown: the CRL of \(issuer) is past its nextUpdate (\(nextUpdate.formatted(.iso8601))) and trust.staleCRL is \"refuse\""
        }
        var text = "revocation: serial \(serialNumber) of \(subject) revoked by "
        switch source {
        case .crl(let issuer, _):
            text += "CRL of \(issuer)"
        case .configuredSerials:
            text += "configured revoked serials"
        case .staleCRL:
            break
        }
        if let revocationDate {
            text += " on \(revocationDate.formatted(.iso8601.year().month().day()))"
        }
        if let reason {
            text += " (\(reason))"
        }
        return text
    }
}
