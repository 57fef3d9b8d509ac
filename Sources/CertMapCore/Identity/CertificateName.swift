import Foundation
import X509

/// A subject or issuer name, flattened for matching and printed the way operators know it.
///
/// Holds every attribute of every RDN in DER order. `rfc2253` prints the name the way
/// `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb` does (most specific first, UTF-8
/// kept); `opensslRFC2253` additionally escapes non-ASCII bytes as `\XX`, exactly like the
/// default `-nameopt RFC2253`, so the two can be compared byte for byte in interop tests.
public struct CertificateName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// All attributes in DER order (least specific first, usually `C` or `O`).
    public let attributes: [NameAttribute]
    /// RFC 2253 text with UTF-8 kept, most specific RDN first. Rendered once here because every
    /// decision's trace prints it.
    public let rfc2253: String

    public init(attributes: [NameAttribute]) {
        self.attributes = attributes
        self.rfc2253 = Self.format(attributes, escapingNonASCII: false)
    }

    public init(_ name: DistinguishedName) {
        var flattened: [NameAttribute] = []
        for (rdnIndex, rdn) in name.enumerated() {
            for attribute in rdn {
                let (text, isHexDump) = AttributeValueText.text(of: attribute.value)
                flattened.append(
                    NameAttribute(
                        oid: attribute.type.description,
                        shortName: NameAttribute.shortNames[attribute.type] ?? attribute.type.description,
                        value: text,
                        rdnIndex: rdnIndex,
                        isHexDump: isHexDump
                    )
                )
            }
        }
        self.init(attributes: flattened)
    }

    private enum CodingKeys: String, CodingKey {
        case attributes
    }

    /// Decodes the attributes only; the rendered text is derived from them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(attributes: try container.decode([NameAttribute].self, forKey: .attributes))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(attributes, forKey: .attributes)
    }

    public static func == (lhs: CertificateName, rhs: CertificateName) -> Bool {
        lhs.attributes == rhs.attributes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(attributes)
    }

    /// The values of one IIS subfield (`CN`, `O`, ...), in DER order; empty when absent.
    public func values(of subfield: NameSubfield) -> [String] {
        attributes.filter { $0.oid == subfield.oid }.map(\.value)
    }

    /// RFC 2253 text byte-identical to `openssl x509 -nameopt RFC2253`.
    public var opensslRFC2253: String { Self.format(attributes, escapingNonASCII: true) }

    public var description: String { rfc2253 }

    /// The first common name, for short displays (`alice`), or the whole name when there is none.
    public var commonName: String { values(of: .commonName).first ?? rfc2253 }

    private static func format(_ attributes: [NameAttribute], escapingNonASCII: Bool) -> String {
        var output = ""
        var previousRDN: Int?
        for attribute in attributes.reversed() {
            if let previousRDN {
                output += previousRDN == attribute.rdnIndex ? "+" : ","
            }
            previousRDN = attribute.rdnIndex
            output += attribute.shortName + "="
            output +=
                attribute.isHexDump
                ? attribute.value : RFC2253Escaping.escape(attribute.value, escapingNonASCII: escapingNonASCII)
        }
        return output
    }
}

/// RFC 2253 §2.4 value escaping, matching openssl's `esc_2253`, `esc_ctrl` and (optionally) `esc_msb`.
enum RFC2253Escaping {
    static func escape(_ value: String, escapingNonASCII: Bool) -> String {
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            let isFirst = index == 0
            let isLast = index == bytes.count - 1
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "+"), UInt8(ascii: "\""), UInt8(ascii: "\\"),
                UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ";"):
                output += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "#") where isFirst, UInt8(ascii: " ") where isFirst || isLast:
                output += [UInt8(ascii: "\\"), byte]
            case 0..<0x20, 0x7F:
                output += Array("\\" + [byte].hexString(separator: "")).map { UInt8($0.asciiValue!) }
            case 0x80... where escapingNonASCII:
                output += Array("\\" + [byte].hexString(separator: "")).map { UInt8($0.asciiValue!) }
            default:
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
