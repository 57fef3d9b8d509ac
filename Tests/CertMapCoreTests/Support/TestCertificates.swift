import Crypto
import Foundation
import SwiftASN1
import X509

@testable import CertMapCore

/// Builds the certificates the tests need, in memory, signed by one test CA.
///
/// Decisions take the validation verdict as a `CertificateCheck`, so these certificates never
/// need to chain anywhere; they only need realistic names, SANs, EKUs, serials and dates.
enum TestCertificates {
    /// The issuing CA's key; every leaf is signed with it (P-256, as the demo PKI uses).
    static let issuerKey = P256.Signing.PrivateKey()

    /// A fixed point in time, so validity windows in tests never depend on the clock.
    static let referenceDate = Date(timeIntervalSince1970: 1_750_000_000)

    /// `C=US, O=Contoso, CN=Contoso Issuing CA`.
    static let issuerName = DistinguishedName([
        rdn(.RDNAttributeType.countryName, "US"),
        rdn(.RDNAttributeType.organizationName, "Contoso"),
        rdn(.RDNAttributeType.commonName, "Contoso Issuing CA"),
    ])

    /// One single-valued RDN holding a UTF8String.
    static func rdn(_ type: ASN1ObjectIdentifier, _ value: String) -> RelativeDistinguishedName {
        RelativeDistinguishedName(.init(type: type, utf8String: value))
    }

    /// One multi-valued RDN (`CN=a+UID=b`).
    static func multiValuedRDN(_ pairs: [(ASN1ObjectIdentifier, String)]) -> RelativeDistinguishedName {
        RelativeDistinguishedName(pairs.map { .init(type: $0.0, utf8String: $0.1) })
    }

    /// A signed certificate with exactly the given parts.
    static func certificate(
        subject: DistinguishedName,
        issuer: DistinguishedName = issuerName,
        serialNumber: Certificate.SerialNumber = .init(),
        notValidBefore: Date = referenceDate.addingTimeInterval(-86_400),
        notValidAfter: Date = referenceDate.addingTimeInterval(365 * 86_400),
        subjectAlternativeNames: [GeneralName] = [],
        extendedKeyUsages: [ExtendedKeyUsage.Usage]? = nil,
        isCertificateAuthority: Bool = false
    ) throws -> Certificate {
        let key = P256.Signing.PrivateKey()
        var extensions = Certificate.Extensions()
        if isCertificateAuthority {
            try extensions.append(Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: nil), critical: true))
        }
        if !subjectAlternativeNames.isEmpty {
            try extensions.append(Certificate.Extension(SubjectAlternativeNames(subjectAlternativeNames), critical: false))
        }
        if let extendedKeyUsages {
            try extensions.append(Certificate.Extension(ExtendedKeyUsage(extendedKeyUsages), critical: false))
        }
        return try Certificate(
            version: .v3,
            serialNumber: serialNumber,
            publicKey: .init(key.publicKey),
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: .init(issuerKey)
        )
    }

    /// The identity of a certificate with exactly the given parts.
    static func identity(
        subject: DistinguishedName,
        issuer: DistinguishedName = issuerName,
        serialNumber: Certificate.SerialNumber = .init(),
        subjectAlternativeNames: [GeneralName] = [],
        extendedKeyUsages: [ExtendedKeyUsage.Usage]? = nil
    ) throws -> CertificateIdentity {
        try CertificateIdentity(
            certificate: certificate(
                subject: subject,
                issuer: issuer,
                serialNumber: serialNumber,
                subjectAlternativeNames: subjectAlternativeNames,
                extendedKeyUsages: extendedKeyUsages
            )
        )
    }

    /// A typical user certificate: `C=US, O=<organization>, OU=<units>..., CN=<commonName>`,
    /// with an optional `emailAddress` in the subject and SANs.
    static func person(
        _ commonName: String,
        organization: String? = "Contoso",
        units: [String] = [],
        subjectEmail: String? = nil,
        emails: [String] = [],
        dnsNames: [String] = [],
        issuer: DistinguishedName = issuerName
    ) throws -> CertificateIdentity {
        var rdns = [rdn(.RDNAttributeType.countryName, "US")]
        if let organization { rdns.append(rdn(.RDNAttributeType.organizationName, organization)) }
        rdns += units.map { rdn(.RDNAttributeType.organizationalUnitName, $0) }
        rdns.append(rdn(.RDNAttributeType.commonName, commonName))
        if let subjectEmail { rdns.append(rdn(.RDNAttributeType.emailAddress, subjectEmail)) }
        return try identity(
            subject: DistinguishedName(rdns),
            issuer: issuer,
            subjectAlternativeNames: emails.map { .rfc822Name($0) } + dnsNames.map { .dnsName($0) }
        )
    }

    /// `-----BEGIN CERTIFICATE-----` text of the certificate's DER.
    static func pem(_ identity: CertificateIdentity) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: identity.der).pemString + "\n"
    }
}
