import Foundation
import X509

/// What an end-entity certificate should say: subject, alternative names, extended key
/// usages and validity. Keeping it a plain value lets the demo PKI list every credential as
/// data and lets tests issue one-off certificates (e.g. a server-only EKU) the same way.
public struct LeafCertificateProfile: Sendable, Hashable {
    /// The subject, RDNs in the order they should appear.
    public var subject: DistinguishedName
    /// SAN entries (DNS names, IP addresses, e-mail addresses).
    public var subjectAlternativeNames: [GeneralName]
    /// Extended key usages, e.g. `[.clientAuth]`; empty means "no EKU extension".
    public var extendedKeyUsages: [ExtendedKeyUsage.Usage]
    /// Start of validity.
    public var notValidBefore: Date
    /// End of validity.
    public var notValidAfter: Date

    public init(
        subject: DistinguishedName,
        subjectAlternativeNames: [GeneralName] = [],
        extendedKeyUsages: [ExtendedKeyUsage.Usage],
        notValidBefore: Date,
        notValidAfter: Date
    ) {
        self.subject = subject
        self.subjectAlternativeNames = subjectAlternativeNames
        self.extendedKeyUsages = extendedKeyUsages
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
    }

    /// A TLS client (user) certificate: EKU clientAuth and the e-mail address as SAN.
    public static func user(
        subject: DistinguishedName, email: String?, notValidBefore: Date, notValidAfter: Date
    ) -> LeafCertificateProfile {
        LeafCertificateProfile(
            subject: subject,
            subjectAlternativeNames: email.map { [.rfc822Name($0)] } ?? [],
            extendedKeyUsages: [.clientAuth],
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter
        )
    }
}
