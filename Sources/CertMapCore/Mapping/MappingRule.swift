/// One condition of a many-to-one mapping: "the issuer's `O` is `Contoso*`".
///
/// A rule matches when **any** value of its subfield matches the criterion (a subject may have
/// several `OU`s); a mapping matches when **all** its rules match, as in IIS.
public struct MappingRule: Hashable, Sendable {
    public var field: CertificateField
    public var subfield: CertificateSubfield
    public var pattern: WildcardPattern

    public init(field: CertificateField, subfield: CertificateSubfield, match: String, caseSensitive: Bool = false) {
        self.field = field
        self.subfield = subfield
        self.pattern = WildcardPattern(match, caseSensitive: caseSensitive)
    }

    /// `subject.OU = "Engineering"` — how rules are named in traces and lists.
    public var label: String {
        let sensitivity = pattern.isCaseSensitive ? " (case-sensitive)" : ""
        return "\(field.rawValue).\(subfield.rawValue) = \"\(pattern.source)\"\(sensitivity)"
    }

    /// Tests the rule against a certificate and says why, for the trace.
    public func evaluate(_ identity: CertificateIdentity) -> RuleEvaluation {
        let values = identity.values(of: subfield, in: field)
        guard !values.isEmpty else {
            return RuleEvaluation(rule: self, matched: false, explanation: "\(label): the certificate has no \(field.rawValue) \(subfield.rawValue)")
        }
        if let hit = values.first(where: pattern.matches) {
            return RuleEvaluation(rule: self, matched: true, explanation: "\(label): matches \"\(hit)\"")
        }
        let seen = values.map { "\"\($0)\"" }.joined(separator: ", ")
        let caseHint =
            !pattern.isCaseSensitive
            ? "" : (values.contains(where: WildcardPattern(pattern.source, caseSensitive: false).matches) ? " (differs only in case)" : "")
        return RuleEvaluation(rule: self, matched: false, explanation: "\(label): no match for \(seen)\(caseHint)")
    }
}

/// The outcome of testing one rule, kept in the decision trace.
public struct RuleEvaluation: Hashable, Sendable {
    public let rule: MappingRule
    public let matched: Bool
    public let explanation: String
}
