import Foundation
import SwiftASN1
import X509

/// One entry of a CRL's revokedCertificates list (RFC 5280 §5.1.2.6): which serial the issuer
/// revoked, when, and why.
///
/// Entry extensions other than reasonCode are kept verbatim so a parsed CRL re-serialises to
/// the bytes its issuer signed.
public struct RevokedCertificate: Sendable, Hashable {
    /// OID of the reasonCode CRL entry extension (RFC 5280 §5.3.1).
    public static let reasonCodeOID: ASN1ObjectIdentifier = [2, 5, 29, 21]

    /// The revoked certificate's serial number, unique per issuer.
    public var serialNumber: Certificate.SerialNumber
    /// When the issuer says the certificate stopped being trustworthy.
    public var revocationDate: Date
    /// All entry extensions as encoded, including reasonCode when present.
    public var extensions: Certificate.Extensions

    /// Creates an entry; `reason` becomes a non-critical reasonCode extension.
    public init(serialNumber: Certificate.SerialNumber, revocationDate: Date, reason: CRLReason? = nil) throws {
        self.serialNumber = serialNumber
        self.revocationDate = ASN1Time.truncated(revocationDate)
        var extensions = Certificate.Extensions()
        if let reason {
            let value: [UInt8] = [0x0A, 0x01, UInt8(reason.rawValue)]
            try extensions.append(Certificate.Extension(oid: Self.reasonCodeOID, critical: false, value: value[...]))
        }
        self.extensions = extensions
    }

    /// The revocation reason from the reasonCode extension, nil when absent or unreadable.
    public var reason: CRLReason? {
        guard let ext = extensions[oid: Self.reasonCodeOID],
            let node = try? DER.parse(ext.value),
            node.identifier == .enumerated,
            case .primitive(let bytes) = node.content,
            bytes.count == 1, let value = bytes.first
        else { return nil }
        return CRLReason(rawValue: Int(value))
    }
}

extension RevokedCertificate: DERImplicitlyTaggable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        guard rootNode.identifier == identifier else {
            throw CRLError.malformed("CRL: expected SEQUENCE for a revokedCertificates entry, found \(rootNode.identifier)")
        }
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            guard let timeNode = nodes.next() else {
                throw CRLError.malformed("CRL: revoked entry for serial \(SerialNumberText.hex(serial)) has no revocationDate")
            }
            let date = try ASN1Time.parse(timeNode, field: "revocationDate")
            var extensions = Certificate.Extensions()
            if let extNode = nodes.next() {
                let list = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extNode)
                extensions = try Certificate.Extensions(list)
            }
            return try RevokedCertificate(
                serialNumber: Certificate.SerialNumber(bytes: serial), revocationDate: date, extensions: extensions
            )
        }
    }

    private init(serialNumber: Certificate.SerialNumber, revocationDate: Date, extensions: Certificate.Extensions) throws {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.extensions = extensions
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(serialNumber.bytes)
            try ASN1Time.serialize(revocationDate, into: &coder)
            if !extensions.isEmpty {
                try coder.serializeSequenceOf(Array(extensions))
            }
        }
    }
}
