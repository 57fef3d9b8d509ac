import Foundation
import SwiftASN1
import X509

/// Everything certmap knows about one certificate, computed once when it is parsed.
///
/// Mapping decisions, traces and the console all read this value rather than the raw
/// `X509.Certificate`, so fingerprints, decoded names and lower-cased match keys are computed a
/// single time per certificate instead of once per request or per rule.
public struct CertificateIdentity: Hashable, Sendable {
    /// The parsed certificate, for chain validation.
    public let certificate: Certificate
    /// The DER encoding the fingerprints are computed over.
    public let der: [UInt8]
    public let subject: CertificateName
    public let issuer: CertificateName
    /// Serial number as uppercase hex, as `openssl x509 -serial` prints it.
    public let serialNumber: String
    public let sha1: Fingerprint
    public let sha256: Fingerprint
    public let notValidBefore: Date
    public let notValidAfter: Date
    public let subjectAlternativeNames: [SubjectAlternativeName]
    /// Extended key usages as names (`clientAuth`, `serverAuth`) or dotted OIDs; nil when the
    /// certificate has no EKU extension (which allows any usage).
    public let extendedKeyUsages: [String]?
    /// Whether the certificate is a CA certificate (basicConstraints cA = true).
    public let isCertificateAuthority: Bool

    public init(certificate: Certificate) throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        try self.init(certificate: certificate, der: serializer.serializedBytes)
    }

    public init(derEncoded der: [UInt8]) throws {
        try self.init(certificate: Certificate(derEncoded: der), der: der)
    }

    private init(certificate: Certificate, der: [UInt8]) throws {
        self.certificate = certificate
        self.der = der
        self.subject = CertificateName(certificate.subject)
        self.issuer = CertificateName(certificate.issuer)
        self.serialNumber = certificate.serialNumber.bytes.hexString(separator: "")
        self.sha1 = .sha1(of: der)
        self.sha256 = .sha256(of: der)
        self.notValidBefore = certificate.notValidBefore
        self.notValidAfter = certificate.notValidAfter
        let extensions = certificate.extensions
        self.subjectAlternativeNames = (try? extensions.subjectAlternativeNames)?.map { .init($0) } ?? []
        self.extendedKeyUsages = (try? extensions.extendedKeyUsage)?.map { Self.name(of: $0) }
        if case .isCertificateAuthority = (try? extensions.basicConstraints) ?? .notCertificateAuthority {
            self.isCertificateAuthority = true
        } else {
            self.isCertificateAuthority = false
        }
    }

    /// The values a many-to-one rule reads for `subfield` of `field`.
    public func values(of subfield: CertificateSubfield, in field: CertificateField) -> [String] {
        switch (field, subfield) {
        case (.subject, .sanEmail):
            return subjectAlternativeNames.compactMap { if case .email(let value) = $0 { value } else { nil } }
        case (.subject, .sanDNS):
            return subjectAlternativeNames.compactMap { if case .dns(let value) = $0 { value } else { nil } }
        case (.issuer, .sanEmail), (.issuer, .sanDNS):
            return []
        case (_, let subfield):
            let name = field == .subject ? subject : issuer
            return subfield.nameSubfield.map { name.values(of: $0) } ?? []
        }
    }

    /// A one-line summary for lists: `CN=alice (Contoso) · SHA-256 3F:A2:…`.
    public var summary: String {
        let organization = subject.values(of: .organization).first.map { " (\($0))" } ?? ""
        return "CN=\(subject.commonName)\(organization) · SHA-256 \(sha256.colonHex.prefix(23))…"
    }

    private static func name(of usage: ExtendedKeyUsage.Usage) -> String {
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
        lhs.der == rhs.der
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sha256)
    }
}
