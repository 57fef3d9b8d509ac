/// The one-line rule syntax used on the command line and in the console editor:
/// `[subject.|issuer.]SUBFIELD=CRITERIA`, e.g. `O=Contoso`, `issuer.CN=*Issuing CA`,
/// `SAN.email=*@contoso.example`. The field defaults to `subject`; subfields are
/// case-insensitive (`cn` is `CN`); everything after the first `=` is the criterion.
public enum RuleSyntax {
    public static func parse(_ text: String, caseSensitive: Bool = false) throws -> RuleEntry {
        guard let equals = text.firstIndex(of: "=") else {
            throw RuleSyntaxError(text: text, problem: "expected SUBFIELD=CRITERIA, e.g. O=Contoso or issuer.CN=*CA")
        }
        var target = Substring(text[..<equals])
        let criteria = String(text[text.index(after: equals)...])
        var field = CertificateField.subject
        for candidate in CertificateField.allCases where target.lowercased().hasPrefix(candidate.rawValue + ".") {
            field = candidate
            target = target.dropFirst(candidate.rawValue.count + 1)
        }
        guard let subfield = CertificateSubfield.allCases.first(where: { $0.rawValue.lowercased() == target.lowercased() }) else {
            throw RuleSyntaxError(text: text, problem: "unknown subfield \"\(target)\"; expected one of \(CertificateSubfield.spelledOut)")
        }
        guard field == .subject || subfield.appliesToIssuer else {
            throw RuleSyntaxError(text: text, problem: "\(subfield.rawValue) exists only in the subject")
        }
        guard !criteria.isEmpty else {
            throw RuleSyntaxError(text: text, problem: "empty criteria; use * to match any value")
        }
        return RuleEntry(field: field, subfield: subfield, match: criteria, caseSensitive: caseSensitive)
    }

    /// The inverse of `parse`: `issuer.CN=*CA`.
    public static func format(_ rule: RuleEntry) -> String {
        "\(rule.field.rawValue).\(rule.subfield.rawValue)=\(rule.match)"
    }
}

/// A rule written in `RuleSyntax` that cannot be understood.
public struct RuleSyntaxError: Error, Hashable, CustomStringConvertible {
    public let text: String
    public let problem: String

    public var description: String { "rule \"\(text)\": \(problem)" }
}
