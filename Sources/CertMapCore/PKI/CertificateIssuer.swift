import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority's credential (certificate + private key) that signs certificates
/// with the extensions RFC 5280 expects, so that both swift-certificates' `Verifier` and
/// `openssl verify` accept what certmap issues.
///
/// CA certificates get basicConstraints CA (critical), keyUsage keyCertSign+cRLSign
/// (critical), SKI and AKI; leaves get basicConstraints not-CA, keyUsage digitalSignature,
/// EKU, SKI, AKI and SANs. Serial numbers are random (RFC 5280 §4.1.2.2, CA/B BR 7.1).
public struct CertificateIssuer: Sendable {
    /// The CA certificate; its subject becomes the issuer of everything signed.
    public let certificate: Certificate
    /// The CA's private key.
    public let privateKey: Certificate.PrivateKey

    /// Pairs a CA certificate with its key; fails if the key does not belong to it.
    public init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        guard privateKey.publicKey == certificate.publicKey else {
            throw PKIError.unreadableFile(
                path: certificate.subject.description, reason: "the private key does not belong to this certificate"
            )
        }
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Creates a self-signed root CA (no path length limit).
    public static func selfSignedRoot(
        subject: DistinguishedName, key: Certificate.PrivateKey, notValidBefore: Date, notValidAfter: Date
    ) throws -> CertificateIssuer {
        let keyIdentifier = SubjectKeyIdentifier(hash: key.publicKey).keyIdentifier
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: caExtensions(publicKey: key.publicKey, issuerKeyID: keyIdentifier, pathLength: nil),
            issuerPrivateKey: key
        )
        return try CertificateIssuer(certificate: certificate, privateKey: key)
    }

    /// Issues a subordinate CA certificate for `publicKey`.
    public func issueCA(
        subject: DistinguishedName, publicKey: Certificate.PublicKey, pathLength: Int?,
        notValidBefore: Date, notValidAfter: Date
    ) throws -> Certificate {
        try sign(
            subject: subject, publicKey: publicKey, notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            extensions: Self.caExtensions(publicKey: publicKey, issuerKeyID: issuerKeyID, pathLength: pathLength)
        )
    }

    /// Issues an end-entity certificate for `publicKey` as described by `profile`.
    public func issueLeaf(_ profile: LeafCertificateProfile, publicKey: Certificate.PublicKey) throws -> Certificate {
        let issuerKeyID = self.issuerKeyID
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            if !profile.extendedKeyUsages.isEmpty {
                try ExtendedKeyUsage(profile.extendedKeyUsages)
            }
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
            if !profile.subjectAlternativeNames.isEmpty {
                SubjectAlternativeNames(profile.subjectAlternativeNames)
            }
        }
        return try sign(
            subject: profile.subject, publicKey: publicKey, notValidBefore: profile.notValidBefore,
            notValidAfter: profile.notValidAfter, extensions: extensions
        )
    }

    private var issuerKeyID: ArraySlice<UInt8> {
        (try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    private func sign(
        subject: DistinguishedName, publicKey: Certificate.PublicKey, notValidBefore: Date, notValidAfter: Date,
        extensions: Certificate.Extensions
    ) throws -> Certificate {
        try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: certificate.subject,
            subject: subject,
            signatureAlgorithm: privateKey.defaultSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: privateKey
        )
    }

    private static func caExtensions(
        publicKey: Certificate.PublicKey, issuerKeyID: ArraySlice<UInt8>, pathLength: Int?
    ) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: pathLength))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
        }
    }
}

extension Certificate.PrivateKey {
    /// The signature algorithm certmap uses for this key: SHA-256 with P-256 and RSA, SHA-384
    /// with P-384, SHA-512 with P-521, Ed25519 for Ed25519 (the usual pairings).
    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm {
        if Curve25519.Signing.PublicKey(publicKey) != nil { return .ed25519 }
        if P384.Signing.PublicKey(publicKey) != nil { return .ecdsaWithSHA384 }
        if P521.Signing.PublicKey(publicKey) != nil { return .ecdsaWithSHA512 }
        if supportedSignatureAlgorithms.contains(.sha256WithRSAEncryption) { return .sha256WithRSAEncryption }
        return .ecdsaWithSHA256
    }
}
