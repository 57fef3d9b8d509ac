import SwiftASN1
import X509

/// The AlgorithmIdentifier of a CRL signature (RFC 5280 §4.1.1.2, §5.1.1.2).
///
/// swift-certificates keeps its `AlgorithmIdentifier` internal, so certmap carries the OID and
/// parameters itself: that keeps unknown algorithms round-trippable and lets verification map
/// known ones onto `Certificate.SignatureAlgorithm`.
public struct CRLSignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm OID, e.g. 1.2.840.10045.4.3.2 for ecdsa-with-SHA256.
    public var oid: ASN1ObjectIdentifier
    /// The parameters exactly as encoded (NULL for RSA, absent for ECDSA), if any.
    public var parameters: ASN1Any?

    public init(oid: ASN1ObjectIdentifier, parameters: ASN1Any?) {
        self.oid = oid
        self.parameters = parameters
    }

    private static let known: [(ASN1ObjectIdentifier, Certificate.SignatureAlgorithm, String, Bool)] = [
        ([1, 2, 840, 10045, 4, 3, 2], .ecdsaWithSHA256, "ecdsa-with-SHA256", false),
        ([1, 2, 840, 10045, 4, 3, 3], .ecdsaWithSHA384, "ecdsa-with-SHA384", false),
        ([1, 2, 840, 10045, 4, 3, 4], .ecdsaWithSHA512, "ecdsa-with-SHA512", false),
        ([1, 2, 840, 113549, 1, 1, 5], .sha1WithRSAEncryption, "sha1WithRSAEncryption", true),
        ([1, 2, 840, 113549, 1, 1, 11], .sha256WithRSAEncryption, "sha256WithRSAEncryption", true),
        ([1, 2, 840, 113549, 1, 1, 12], .sha384WithRSAEncryption, "sha384WithRSAEncryption", true),
        ([1, 2, 840, 113549, 1, 1, 13], .sha512WithRSAEncryption, "sha512WithRSAEncryption", true),
        ([1, 3, 101, 112], .ed25519, "Ed25519", false),
    ]

    /// The equivalent swift-certificates algorithm, or nil when certmap cannot verify it.
    public var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm? {
        Self.known.first { $0.0 == oid }?.1
    }

    /// The identifier to write for `algorithm`: RSA with an explicit NULL, ECDSA/EdDSA without
    /// parameters (RFC 4055 §5, RFC 5758 §3.2).
    public init(_ algorithm: Certificate.SignatureAlgorithm) throws {
        guard let entry = Self.known.first(where: { $0.1 == algorithm }) else {
            throw CRLError.unsupportedSignatureAlgorithm(String(describing: algorithm))
        }
        self.oid = entry.0
        self.parameters = entry.3 ? try ASN1Any(erasing: ASN1Null()) : nil
    }

    public var description: String {
        Self.known.first { $0.0 == oid }?.2 ?? String(describing: oid)
    }
}

extension CRLSignatureAlgorithm: DERImplicitlyTaggable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let parameters = nodes.next().map { ASN1Any(derEncoded: $0) }
            return CRLSignatureAlgorithm(oid: oid, parameters: parameters)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(oid)
            if let parameters {
                try coder.serialize(parameters)
            }
        }
    }
}
