import Foundation
import SwiftASN1
import X509

/// Everything certmap knows about one certificate, computed once when it is parsed.
///
/// Mapping decisions, traces and the console all read this value rather than the raw
/// `X509.Certificate`, so fingerprints, decoded names and lower-cased match keys are computed a
/// single time per certificate instead of once per request or per rule.
///
/// The fields live in one immutable box, so handing an identity from the connection to the
/// pipeline, the decision and the journal costs one reference count rather than one per field
/// (copies of the unboxed value showed up in the decision profile).
public struct CertificateIdentity: Hashable, Sendable {
    private let storage: Storage

    /// The parsed certificate, for chain validation.
    public var certificate: Certificate { storage.certificate }
    /// The DER encoding the fingerprints are computed over.
    public var der: [UInt8] { storage.der }
    public var subject: CertificateName { storage.subject }
    public var issuer: CertificateName { storage.issuer }
    /// Serial number as uppercase hex, as `openssl x509 -serial` prints it.
    public var serialNumber: String { storage.serialNumber }
    public var sha1: Fingerprint { storage.sha1 }
    public var sha256: Fingerprint { storage.sha256 }
    public var notValidBefore: Date { storage.certificate.notValidBefore }
    public var notValidAfter: Date { storage.certificate.notValidAfter }
    public var subjectAlternativeNames: [SubjectAlternativeName] { storage.subjectAlternativeNames }
    /// Extended key usages as names (`clientAuth`, `serverAuth`) or dotted OIDs; nil when the
    /// certificate has no EKU extension (which allows any usage).
    public var extendedKeyUsages: [String]? { storage.extendedKeyUsages }
    /// Whether the certificate is a CA certificate (basicConstraints cA = true).
    public var isCertificateAuthority: Bool { storage.isCertificateAuthority }
    /// `sha256.colonHex`, rendered once: every decision without a one-to-one hit prints it.
    var sha256ColonHex: String { storage.sha256ColonHex }

    public init(certificate: Certificate) throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.storage = Storage(certificate: certificate, der: serializer.serializedBytes)
    }

    public init(derEncoded der: [UInt8]) throws {
        self.storage = Storage(certificate: try Certificate(derEncoded: der), der: der)
    }

    private final class Storage: Sendable {
        let certificate: Certificate
        let der: [UInt8]
        let subject: CertificateName
        let issuer: CertificateName
        let serialNumber: String
        let sha1: Fingerprint
        let sha256: Fingerprint
        let sha256ColonHex: String
        let subjectAlternativeNames: [SubjectAlternativeName]
        let extendedKeyUsages: [String]?
        let isCertificateAuthority: Bool
        /// What many-to-one rules read, normalised once here rather than per request and rule.
        let ruleValueTable: RuleValueTable

        init(certificate: Certificate, der: [UInt8]) {
            self.certificate = certificate
            self.der = der
            self.subject = CertificateName(certificate.subject)
            self.issuer = CertificateName(certificate.issuer)
            self.serialNumber = certificate.serialNumber.bytes.hexString(separator: "")
            self.sha1 = .sha1(of: der)
            self.sha256 = .sha256(of: der)
            self.sha256ColonHex = sha256.colonHex
            let extensions = certificate.extensions
            self.subjectAlternativeNames = (try? extensions.subjectAlternativeNames)?.map { .init($0) } ?? []
            self.extendedKeyUsages = (try? extensions.extendedKeyUsage)?.map { CertificateIdentity.name(of: $0) }
            if case .isCertificateAuthority = (try? extensions.basicConstraints) ?? .notCertificateAuthority {
                self.isCertificateAuthority = true
            } else {
                self.isCertificateAuthority = false
            }
            self.ruleValueTable = RuleValueTable(subject: subject, issuer: issuer, subjectAlternativeNames: subjectAlternativeNames)
        }
    }

    /// The values a many-to-one rule reads for `subfield` of `field`.
    public func values(of subfield: CertificateSubfield, in field: CertificateField) -> [String] {
        storage.ruleValueTable[subfield, field].raw
    }

    /// The same values, also normalised for matching and index lookups.
    public func ruleValues(of subfield: CertificateSubfield, in field: CertificateField) -> RuleValues {
        storage.ruleValueTable[subfield, field]
    }

    /// A one-line summary for lists: `CN=alice (Contoso) · SHA-256 3F:A2:…`.
    public var summary: String {
        let organization = subject.values(of: .organization).first.map { " (\($0))" } ?? ""
        return "CN=\(subject.commonName)\(organization) · SHA-256 \(sha256.colonHex.prefix(23))…"
    }

    fileprivate static func name(of usage: ExtendedKeyUsage.Usage) -> String {
        switch usage {
        case .clientAuth: return "clientAuth"
        case .serverAuth: return "serverAuth"
        case .codeSigning: return "codeSigning"
        case .emailProtection: return "emailProtection"
        case .timeStamping: return "timeStamping"
        case .ocspSigning: return "OCSPSigning"
        case .any: return "anyExtendedKeyUsage"
        default: return usage.description
        }
    }

    public static func == (lhs: CertificateIdentity, rhs: CertificateIdentity) -> Bool {
        lhs.storage === rhs.storage || lhs.der == rhs.der
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sha256)
    }
}
