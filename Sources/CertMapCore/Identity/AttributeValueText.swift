import SwiftASN1
import X509

/// Turns an RDN attribute value into the text operators see and rules match against.
///
/// swift-certificates decodes UTF8String, PrintableString and IA5String; names issued by older
/// CAs also use BMPString (UTF-16BE), UniversalString (UTF-32BE) and TeletexString, which openssl
/// converts to UTF-8 for display. Anything else is shown the way openssl's `dump_der` does it:
/// `#` followed by the hex of the DER encoding.
enum AttributeValueText {
    static func text(of value: RelativeDistinguishedName.Attribute.Value) -> (text: String, isHexDump: Bool) {
        if let string = String(value) {
            return (string, false)
        }
        let any = ASN1Any(value)
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(any)) != nil,
            let node = try? DER.parse(serializer.serializedBytes)
        else {
            return (String(describing: any), true)
        }
        if case .primitive(let content) = node.content, let decoded = decode(content, tag: node.identifier) {
            return (decoded, false)
        }
        return ("#" + serializer.serializedBytes.hexString(separator: "").lowercased(), true)
    }

    private static func decode(_ content: ArraySlice<UInt8>, tag: ASN1Identifier) -> String? {
        guard tag.tagClass == .universal else { return nil }
        switch tag.tagNumber {
        case 30:  // BMPString: UTF-16 big endian
            guard content.count % 2 == 0 else { return nil }
            let units = stride(from: content.startIndex, to: content.endIndex, by: 2).map {
                UInt16(content[$0]) << 8 | UInt16(content[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        case 28:  // UniversalString: UTF-32 big endian
            guard content.count % 4 == 0 else { return nil }
            var scalars = String.UnicodeScalarView()
            for offset in stride(from: content.startIndex, to: content.endIndex, by: 4) {
                let value = content[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
            }
            return String(scalars)
        case 20, 26:  // TeletexString (treated as Latin-1, as openssl does), VisibleString
            return String(content.map { Character(Unicode.Scalar($0)) })
        default:
            return nil
        }
    }
}
