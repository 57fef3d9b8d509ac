import SwiftASN1
import X509

/// Parses the subject syntax of `openssl req -subj` ("/C=US/O=Acme/OU=Ops+CN=zoe") into an
/// `X509.DistinguishedName`, keeping the RDN order as written (first component = first RDN).
///
/// Operators already know this syntax from openssl, so `certmap pki issue --subject` accepts it
/// unchanged: "/" separates RDNs, "+" joins attributes of a multi-valued RDN, and a backslash
/// escapes "/", "+", "=" or itself.
public enum SubjectParser {
    /// Attribute names accepted, case-insensitively, with the OID they stand for.
    static let attributeTypes: [String: ASN1ObjectIdentifier] = [
        "c": .RDNAttributeType.countryName,
        "st": .RDNAttributeType.stateOrProvinceName,
        "s": .RDNAttributeType.stateOrProvinceName,
        "l": .RDNAttributeType.localityName,
        "o": .RDNAttributeType.organizationName,
        "ou": .RDNAttributeType.organizationalUnitName,
        "cn": .RDNAttributeType.commonName,
        "emailaddress": .RDNAttributeType.emailAddress,
        "e": .RDNAttributeType.emailAddress,
    ]

    /// Parses `subject`; throws ``SubjectParseError`` naming the bad component.
    public static func parse(_ subject: String) throws -> DistinguishedName {
        guard subject.first == "/" else { throw SubjectParseError.missingLeadingSlash(subject) }
        let rdnTexts = split(String(subject.dropFirst()), on: "/")
        var rdns: [RelativeDistinguishedName] = []
        for (index, rdnText) in rdnTexts.enumerated() {
            if rdnText.isEmpty && index == rdnTexts.count - 1 && index > 0 { continue }  // trailing "/"
            let attributes = try split(rdnText, on: "+").map { part -> RelativeDistinguishedName.Attribute in
                guard !part.isEmpty else { throw SubjectParseError.emptyComponent(position: index + 1) }
                return try attribute(from: part)
            }
            rdns.append(RelativeDistinguishedName(attributes))
        }
        return DistinguishedName(rdns)
    }

    /// The e-mail address in the subject, if any, for use as a SAN rfc822Name.
    public static func emailAddress(in name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.emailAddress {
                return String(attribute.value)
            }
        }
        return nil
    }

    private static func attribute(from component: String) throws -> RelativeDistinguishedName.Attribute {
        guard let equals = firstUnescaped("=", in: component) else {
            throw SubjectParseError.missingEquals(component: unescape(component))
        }
        let name = unescape(String(component[..<equals])).trimmingSpaces
        let value = unescape(String(component[component.index(after: equals)...]))
        guard let type = attributeTypes[name.lowercased()] else {
            throw SubjectParseError.unknownAttribute(name: name, component: unescape(component))
        }
        guard !value.isEmpty else { throw SubjectParseError.emptyValue(component: unescape(component)) }
        return try makeAttribute(type: type, value: value, component: unescape(component))
    }

    /// Encodes like openssl's defaults: PrintableString for C, IA5String for emailAddress,
    /// UTF8String for everything else.
    private static func makeAttribute(
        type: ASN1ObjectIdentifier, value: String, component: String
    ) throws -> RelativeDistinguishedName.Attribute {
        switch type {
        case .RDNAttributeType.countryName:
            guard value.count == 2, value.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw SubjectParseError.invalidValue(component: component, reason: "a country is two letters, e.g. C=US")
            }
            return try .init(type: type, printableString: value)
        case .RDNAttributeType.emailAddress:
            guard value.allSatisfy(\.isASCII) else {
                throw SubjectParseError.invalidValue(component: component, reason: "an e-mail address must be ASCII")
            }
            return try .init(type: type, ia5String: value)
        default:
            return .init(type: type, utf8String: value)
        }
    }

    /// Splits on `separator` where it is not preceded by a backslash; escapes are kept.
    private static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func firstUnescaped(_ target: Character, in text: String) -> String.Index? {
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == target {
                return index
            }
        }
        return nil
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            result.append(character)
            escaped = false
        }
        return result
    }
}
