import Foundation
import SwiftASN1
import X509

/// An X.509 v2 certificate revocation list (RFC 5280 §5).
///
/// swift-certificates has no CRL type, and certmap must tell a revoked client certificate
/// (IIS substatus 403.13) from a merely untrusted one. The value keeps the signed
/// `TBSCertList` bytes exactly as received, so the signature can be checked against the issuer
/// and the CRL re-serialised byte-for-byte; unknown CRL and entry extensions are preserved.
public struct CertificateRevocationList: Sendable, Hashable {
    /// OID of the cRLNumber CRL extension (RFC 5280 §5.2.3).
    public static let crlNumberOID: ASN1ObjectIdentifier = [2, 5, 29, 20]

    /// The CRL version as people count it: 2 for v2 (encoded INTEGER 1), 1 when absent.
    public let version: Int
    /// The algorithm the issuer signed with (outer signatureAlgorithm, equal to the inner one).
    public let signatureAlgorithm: CRLSignatureAlgorithm
    /// The CA that issued the CRL; it must also be the issuer of the certificates it covers.
    public let issuer: DistinguishedName
    /// When this CRL was issued.
    public let thisUpdate: Date
    /// When the next CRL is due; after it the CRL is stale.
    public let nextUpdate: Date?
    /// The revoked serial numbers with dates and reasons.
    public let revokedCertificates: [RevokedCertificate]
    /// The CRL extensions (authorityKeyIdentifier, cRLNumber, and any others) as encoded.
    public let extensions: Certificate.Extensions
    /// The DER bytes of TBSCertList that the signature covers.
    public let tbsCertListBytes: ArraySlice<UInt8>
    /// The raw signature (DER ECDSA-Sig-Value or the RSA signature block).
    public let signatureBytes: [UInt8]

    init(tbs: TBSCertList, tbsBytes: ArraySlice<UInt8>, signatureBytes: [UInt8]) {
        self.version = tbs.version
        self.signatureAlgorithm = tbs.signature
        self.issuer = tbs.issuer
        self.thisUpdate = tbs.thisUpdate
        self.nextUpdate = tbs.nextUpdate
        self.revokedCertificates = tbs.revokedCertificates
        self.extensions = tbs.extensions
        self.tbsCertListBytes = tbsBytes
        self.signatureBytes = signatureBytes
    }

    /// The authorityKeyIdentifier extension, if present and well-formed.
    public var authorityKeyIdentifier: AuthorityKeyIdentifier? {
        extensions[oid: .X509ExtensionID.authorityKeyIdentifier].flatMap { try? AuthorityKeyIdentifier($0) }
    }

    /// The cRLNumber as upper-case hex ("1A"), if present.
    public var crlNumber: String? {
        guard let ext = extensions[oid: Self.crlNumberOID],
            let bytes = try? ArraySlice<UInt8>(derEncoded: ext.value)
        else { return nil }
        return SerialNumberText.hex(bytes)
    }

    /// The entry revoking `serial`, if this CRL lists it.
    public func entry(for serial: Certificate.SerialNumber) -> RevokedCertificate? {
        revokedCertificates.first { $0.serialNumber == serial }
    }

    /// Whether `date` is past nextUpdate, i.e. a newer CRL should already exist.
    public func isStale(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return date > nextUpdate
    }
}

extension CertificateRevocationList: DERParseable, DERSerializable {
    public init(derEncoded rootNode: ASN1Node) throws {
        guard rootNode.identifier == .sequence, case .constructed(let nodes) = rootNode.content else {
            throw CRLError.malformed("CRL: expected SEQUENCE for CertificateList, found \(rootNode.identifier)")
        }
        var iterator = nodes.makeIterator()
        guard let tbsNode = iterator.next(), let algorithmNode = iterator.next(), let signatureNode = iterator.next(),
            iterator.next() == nil
        else {
            throw CRLError.malformed(
                "CRL: CertificateList must hold exactly TBSCertList, signatureAlgorithm and signatureValue"
            )
        }
        let tbs = try TBSCertList(derEncoded: tbsNode)
        let outerAlgorithm = try CRLError.wrapping("signatureAlgorithm") {
            try CRLSignatureAlgorithm(derEncoded: algorithmNode)
        }
        guard outerAlgorithm == tbs.signature else {
            throw CRLError.malformed(
                "CRL: signatureAlgorithm \(outerAlgorithm) differs from TBSCertList.signature \(tbs.signature)"
            )
        }
        let signature = try CRLError.wrapping("signatureValue") { try ASN1BitString(derEncoded: signatureNode) }
        self.init(tbs: tbs, tbsBytes: tbsNode.encodedBytes, signatureBytes: Array(signature.bytes))
    }

    /// Parses DER bytes; unlike the generic `DERParseable` entry point, garbage that is not
    /// DER at all also surfaces as a ``CRLError``.
    public init(derEncoded bytes: [UInt8]) throws {
        let node = try CRLError.wrapping("DER encoding") { try DER.parse(bytes) }
        try self.init(derEncoded: node)
    }

    public func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsCertListBytes)
            try coder.serialize(signatureAlgorithm)
            try coder.serialize(ASN1BitString(bytes: signatureBytes[...]))
        }
    }

    /// The DER encoding, exactly the bytes that were parsed or issued.
    public var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(self)  // Only re-emits already valid DER; cannot fail.
        return serializer.serializedBytes
    }
}

extension CertificateRevocationList: PEMParseable, PEMSerializable {
    public static var defaultPEMDiscriminator: String { "X509 CRL" }

    /// Parses a PEM "X509 CRL" document, with an error that says what was found instead.
    public init(pemEncoded pem: String) throws {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw CRLError.notPEM("expected a PEM \"X509 CRL\" document: \(error)")
        }
        try self.init(pemDocument: document)
    }

    public init(pemDocument: PEMDocument) throws {
        guard pemDocument.discriminator == Self.defaultPEMDiscriminator else {
            throw CRLError.notPEM("expected PEM type \"X509 CRL\", found \"\(pemDocument.discriminator)\"")
        }
        try self.init(derEncoded: pemDocument.derBytes)
    }

    /// The PEM text ("-----BEGIN X509 CRL-----").
    public var pemString: String {
        PEMDocument(type: Self.defaultPEMDiscriminator, derBytes: derBytes).pemString
    }
}

extension CRLError {
    /// Runs `body`, turning low-level ASN.1 errors into a `malformed` error naming `field`.
    static func wrapping<T>(_ field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CRLError {
            throw error
        } catch {
            throw CRLError.malformed("CRL: invalid \(field): \(error)")
        }
    }
}
