/// One condition of a many-to-one mapping: "the issuer's `O` is `Contoso*`".
///
/// A rule matches when **any** value of its subfield matches the criterion (a subject may have
/// several `OU`s); a mapping matches when **all** its rules match, as in IIS.
public struct MappingRule: Hashable, Sendable {
    public var field: CertificateField { didSet { label = Self.label(field, subfield, pattern) } }
    public var subfield: CertificateSubfield { didSet { label = Self.label(field, subfield, pattern) } }
    public var pattern: WildcardPattern { didSet { label = Self.label(field, subfield, pattern) } }
    /// `subject.OU = "Engineering"` — how rules are named in traces and lists. Kept rendered
    /// because every rule tried in a decision prints it.
    public private(set) var label: String

    public init(field: CertificateField, subfield: CertificateSubfield, match: String, caseSensitive: Bool = false) {
        self.field = field
        self.subfield = subfield
        self.pattern = WildcardPattern(match, caseSensitive: caseSensitive)
        self.label = Self.label(field, subfield, pattern)
    }

    private static func label(_ field: CertificateField, _ subfield: CertificateSubfield, _ pattern: WildcardPattern) -> String {
        let sensitivity = pattern.isCaseSensitive ? " (case-sensitive)" : ""
        return "\(field.rawValue).\(subfield.rawValue) = \"\(pattern.source)\"\(sensitivity)"
    }

    public static func == (lhs: MappingRule, rhs: MappingRule) -> Bool {
        lhs.field == rhs.field && lhs.subfield == rhs.subfield && lhs.pattern == rhs.pattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        hasher.combine(subfield)
        hasher.combine(pattern)
    }

    /// Tests the rule against a certificate and says why, for the trace.
    public func evaluate(_ identity: CertificateIdentity) -> RuleEvaluation {
        let prepared = identity.ruleValues(of: subfield, in: field)
        let values = prepared.raw
        guard !values.isEmpty else {
            return RuleEvaluation(matched: false, explanation: "\(label): the certificate has no \(field.rawValue) \(subfield.rawValue)")
        }
        if let hit = prepared.normalised(for: pattern).firstIndex(where: pattern.matches(normalised:)) {
            return RuleEvaluation(matched: true, explanation: "\(label): matches \"\(values[hit])\"")
        }
        let seen = values.map { "\"\($0)\"" }.joined(separator: ", ")
        let caseHint =
            !pattern.isCaseSensitive
            ? "" : (values.contains(where: WildcardPattern(pattern.source, caseSensitive: false).matches) ? " (differs only in case)" : "")
        return RuleEvaluation(matched: false, explanation: "\(label): no match for \(seen)\(caseHint)")
    }
}

/// The outcome of testing one rule, kept in the decision trace.
public struct RuleEvaluation: Hashable, Sendable {
    public let matched: Bool
    public let explanation: String
}
