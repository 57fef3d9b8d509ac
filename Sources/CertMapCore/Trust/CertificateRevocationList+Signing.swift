import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

extension CertificateRevocationList {
    /// Confirms that `certificate` issued this CRL: its subject is the CRL issuer and its public
    /// key verifies the signature over TBSCertList (RFC 5280 §6.3.3 (f), (g)).
    ///
    /// - Throws: ``CRLError/issuerMismatch(crlIssuer:certificateSubject:)``,
    ///   ``CRLError/unsupportedSignatureAlgorithm(_:)`` or
    ///   ``CRLError/signatureDoesNotVerify(issuer:)``.
    public func verifySignature(issuer certificate: Certificate) throws {
        guard certificate.subject == issuer else {
            throw CRLError.issuerMismatch(
                crlIssuer: issuer.traceName, certificateSubject: certificate.subject.traceName
            )
        }
        guard let algorithm = signatureAlgorithm.certificateSignatureAlgorithm else {
            throw CRLError.unsupportedSignatureAlgorithm(signatureAlgorithm.description)
        }
        let valid = certificate.publicKey.isValidSignature(
            signatureBytes, for: tbsCertListBytes, signatureAlgorithm: algorithm
        )
        guard valid else {
            throw CRLError.signatureDoesNotVerify(issuer: certificate.subject.description)
        }
    }

    /// Whether `certificate` issued this CRL (see ``verifySignature(issuer:)``).
    public func isSigned(by certificate: Certificate) -> Bool {
        (try? verifySignature(issuer: certificate)) != nil
    }

    /// Issues a v2 CRL signed by `issuer`, with authorityKeyIdentifier and cRLNumber extensions,
    /// in the form `openssl crl -CAfile` verifies.
    ///
    /// - Parameters:
    ///   - issuer: The CA certificate whose subject becomes the CRL issuer.
    ///   - issuerKey: The CA's private key; it must belong to `issuer`.
    ///   - revoked: The entries to list.
    ///   - thisUpdate: Issue time (truncated to the second).
    ///   - nextUpdate: When the next CRL is due.
    ///   - crlNumber: Monotonic CRL sequence number (RFC 5280 §5.2.3).
    public static func issue(
        issuer: Certificate,
        issuerKey: Certificate.PrivateKey,
        revoked: [RevokedCertificate],
        thisUpdate: Date,
        nextUpdate: Date?,
        crlNumber: UInt64
    ) throws -> CertificateRevocationList {
        guard issuerKey.publicKey == issuer.publicKey else {
            throw CRLError.signatureDoesNotVerify(issuer: issuer.subject.description + " (the private key given does not belong to it)")
        }
        let algorithm = issuerKey.defaultSignatureAlgorithm
        let tbs = try TBSCertList(
            signature: CRLSignatureAlgorithm(algorithm),
            issuer: issuer.subject,
            thisUpdate: thisUpdate,
            nextUpdate: nextUpdate,
            revokedCertificates: revoked,
            extensions: crlExtensions(issuer: issuer, crlNumber: crlNumber)
        )
        var serializer = DER.Serializer()
        try tbs.serialize(into: &serializer)
        let tbsBytes = serializer.serializedBytes
        let signature = try issuerKey.sign(bytes: tbsBytes, signatureAlgorithm: algorithm)
        return CertificateRevocationList(tbs: tbs, tbsBytes: tbsBytes[...], signatureBytes: signature.rawRepresentation)
    }

    private static func crlExtensions(issuer: Certificate, crlNumber: UInt64) throws -> Certificate.Extensions {
        let keyIdentifier =
            (try issuer.extensions.subjectKeyIdentifier?.keyIdentifier)
            ?? SubjectKeyIdentifier(hash: issuer.publicKey).keyIdentifier
        let aki = AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
        var numberSerializer = DER.Serializer()
        try numberSerializer.serialize(crlNumber)
        return try Certificate.Extensions([
            Certificate.Extension(aki, critical: false),
            Certificate.Extension(oid: crlNumberOID, critical: false, value: numberSerializer.serializedBytes[...]),
        ])
    }
}
