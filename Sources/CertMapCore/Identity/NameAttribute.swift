import SwiftASN1
import X509

/// One attribute of a distinguished name, flattened out of its RDN with its value decoded to text.
///
/// IIS many-to-one rules match on subfields (`CN`, `O`, `OU`, ...) of the subject or issuer; a
/// subfield may occur several times and inside multi-valued RDNs, so the name is kept as a flat
/// list in DER order with the index of the RDN each attribute belongs to.
public struct NameAttribute: Hashable, Sendable, Codable {
    /// Dotted object identifier, e.g. `2.5.4.3`.
    public let oid: String
    /// The short name openssl prints (`CN`, `O`, `emailAddress`, ...), or the dotted OID.
    public let shortName: String
    /// The value as text (UTF-8), decoded from any of the ASN.1 string types.
    public let value: String
    /// Index of the RDN (in DER order, most significant first) that holds this attribute.
    public let rdnIndex: Int
    /// True when the value was not a string type and `value` is openssl's `#` hex dump of its DER.
    public let isHexDump: Bool

    public init(oid: String, shortName: String, value: String, rdnIndex: Int, isHexDump: Bool = false) {
        self.oid = oid
        self.shortName = shortName
        self.value = value
        self.rdnIndex = rdnIndex
        self.isHexDump = isHexDump
    }

    /// Short names as openssl's `sname` option prints them.
    static let shortNames: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 3]: "CN", [2, 5, 4, 4]: "SN", [2, 5, 4, 5]: "serialNumber", [2, 5, 4, 6]: "C",
        [2, 5, 4, 7]: "L", [2, 5, 4, 8]: "ST", [2, 5, 4, 9]: "street", [2, 5, 4, 10]: "O",
        [2, 5, 4, 11]: "OU", [2, 5, 4, 12]: "title", [2, 5, 4, 17]: "postalCode", [2, 5, 4, 42]: "GN",
        [2, 5, 4, 43]: "initials", [2, 5, 4, 44]: "generationQualifier", [2, 5, 4, 46]: "dnQualifier",
        [2, 5, 4, 65]: "pseudonym", [2, 5, 4, 97]: "organizationIdentifier",
        [1, 2, 840, 113_549, 1, 9, 1]: "emailAddress",
        [0, 9, 2342, 19_200_300, 100, 1, 1]: "UID", [0, 9, 2342, 19_200_300, 100, 1, 25]: "DC",
    ]
}
