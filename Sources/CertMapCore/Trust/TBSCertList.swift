import Foundation
import SwiftASN1
import X509

/// The signed body of a CRL (RFC 5280 §5.1.2), parsed field by field so an error names the
/// field that is wrong.
struct TBSCertList: Sendable, Hashable {
    var version: Int
    var signature: CRLSignatureAlgorithm
    var issuer: DistinguishedName
    var thisUpdate: Date
    var nextUpdate: Date?
    var revokedCertificates: [RevokedCertificate]
    var extensions: Certificate.Extensions

    init(
        signature: CRLSignatureAlgorithm, issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?,
        revokedCertificates: [RevokedCertificate], extensions: Certificate.Extensions
    ) {
        self.version = 2
        self.signature = signature
        self.issuer = issuer
        self.thisUpdate = ASN1Time.truncated(thisUpdate)
        self.nextUpdate = nextUpdate.map(ASN1Time.truncated)
        self.revokedCertificates = revokedCertificates
        self.extensions = extensions
    }

    init(derEncoded node: ASN1Node) throws {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else {
            throw CRLError.malformed("CRL: expected SEQUENCE for TBSCertList, found \(node.identifier)")
        }
        var nodes = children.makeIterator()
        self.version = try Self.parseVersion(&nodes)
        self.signature = try CRLError.wrapping("TBSCertList.signature") {
            try CRLSignatureAlgorithm(derEncoded: &nodes)
        }
        guard let issuerNode = nodes.next() else { throw CRLError.malformed("CRL: TBSCertList has no issuer") }
        self.issuer = try CRLError.wrapping("issuer Name") { try DistinguishedName(derEncoded: issuerNode) }
        guard let thisUpdateNode = nodes.next() else { throw CRLError.malformed("CRL: TBSCertList has no thisUpdate") }
        self.thisUpdate = try ASN1Time.parse(thisUpdateNode, field: "thisUpdate")
        self.nextUpdate = try Self.parseNextUpdate(&nodes)
        self.revokedCertificates = try Self.parseRevoked(&nodes)
        self.extensions = try Self.parseExtensions(&nodes)
        if let extra = nodes.next() {
            throw CRLError.malformed("CRL: unexpected \(extra.identifier) after the last TBSCertList field")
        }
    }

    private static func parseVersion(_ nodes: inout ASN1NodeCollection.Iterator) throws -> Int {
        var peek = nodes
        guard let node = peek.next(), node.identifier == .integer else { return 1 }
        nodes = peek
        let raw = try CRLError.wrapping("version") { try Int(derEncoded: node) }
        guard raw == 1 else { throw CRLError.malformed("CRL: version must be v2 (INTEGER 1), found INTEGER \(raw)") }
        return 2
    }

    private static func parseNextUpdate(_ nodes: inout ASN1NodeCollection.Iterator) throws -> Date? {
        var peek = nodes
        guard let node = peek.next(), ASN1Time.isTime(node) else { return nil }
        nodes = peek
        return try ASN1Time.parse(node, field: "nextUpdate")
    }

    private static func parseRevoked(_ nodes: inout ASN1NodeCollection.Iterator) throws -> [RevokedCertificate] {
        var peek = nodes
        guard let node = peek.next(), node.identifier == .sequence else { return [] }
        nodes = peek
        return try CRLError.wrapping("revokedCertificates") {
            try DER.sequence(of: RevokedCertificate.self, identifier: .sequence, rootNode: node)
        }
    }

    private static func parseExtensions(_ nodes: inout ASN1NodeCollection.Iterator) throws -> Certificate.Extensions {
        try CRLError.wrapping("crlExtensions") {
            let list = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
            }
            return try Certificate.Extensions(list ?? [])
        }
    }

    func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try coder.serialize(signature)
            try coder.serialize(issuer)
            try ASN1Time.serialize(thisUpdate, into: &coder)
            if let nextUpdate { try ASN1Time.serialize(nextUpdate, into: &coder) }
            if !revokedCertificates.isEmpty { try coder.serializeSequenceOf(revokedCertificates) }
            if !extensions.isEmpty {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serializeSequenceOf(Array(extensions))
                }
            }
        }
    }
}
