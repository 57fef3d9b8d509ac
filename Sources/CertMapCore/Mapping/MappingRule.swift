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

    /// Tests the rule against a certificate; the result says why, for the trace.
    /// Whether this rule's pattern matches the certificate's values of `subfield` in `field` —
    /// another place than the rule's own — without compiling the pattern again: the near-miss
    /// search asks it of every subfield of every rule that failed by one.
    func patternMatches(_ identity: CertificateIdentity, subfield: CertificateSubfield, in field: CertificateField) -> Bool {
        identity.ruleValues(of: subfield, in: field).normalised(for: pattern).contains(where: pattern.matches(normalised:))
    }

    public func evaluate(_ identity: CertificateIdentity) -> RuleEvaluation {
        let prepared = identity.ruleValues(of: subfield, in: field)
        let values = prepared.raw
        guard !values.isEmpty else { return RuleEvaluation(rule: self, result: .noValues) }
        if let hit = prepared.normalised(for: pattern).firstIndex(where: pattern.matches(normalised:)) {
            return RuleEvaluation(rule: self, result: .matched(values[hit]))
        }
        return RuleEvaluation(rule: self, result: .noMatch(values))
    }
}

/// The outcome of testing one rule, kept in the decision trace as values; `explanation` puts it
/// into words when read.
public struct RuleEvaluation: Hashable, Sendable {
    /// Why the rule did or did not match: the value that matched, no value at all, or the values
    /// that were there, so the explanation can say which.
    public enum Result: Hashable, Sendable {
        /// The value of the subfield that matched.
        case matched(String)
        /// The certificate has no value for the subfield.
        case noValues
        /// Every value the certificate has for the subfield; none matches.
        case noMatch([String])
    }

    public let rule: MappingRule
    public let result: Result

    public var matched: Bool {
        if case .matched = result { return true }
        return false
    }

    /// A case-sensitive rule that would match if letter case were ignored.
    public var differsOnlyInCase: Bool {
        guard case .noMatch(let values) = result, rule.pattern.isCaseSensitive else { return false }
        let insensitive = WildcardPattern(rule.pattern.source, caseSensitive: false)
        return values.contains(where: insensitive.matches)
    }

    /// `subject.OU = "Sales" (case-sensitive): no match for "sales" (differs only in case)`.
    public var explanation: String {
        switch result {
        case .matched(let value):
            return "\(rule.label): matches \"\(value)\""
        case .noValues:
            return "\(rule.label): the certificate has no \(rule.field.rawValue) \(rule.subfield.rawValue)"
        case .noMatch(let values):
            let seen = values.map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(rule.label): no match for \(seen)\(differsOnlyInCase ? " (differs only in case)" : "")"
        }
    }
}
