/// Finds the mappings that came closest for a certificate nothing (or a deny) mapped: a
/// disabled mapping or account that would match, a rule off only by letter case, a mapping
/// whose rules all match but one, a one-to-one mapping of the same subject with another
/// certificate (renewed), an allow mapping below the deny that matched first.
///
/// Runs only for refusals (401.2, 403.12), never on the path of an allowed request, and reads
/// at most `limit` many-to-one mappings, so a flood of unmapped requests stays cheap.
struct NearMissFinder {
    let mappings: MappingIndex
    let policy: AccessPolicy
    var limit = 10_000
    var maximum = 3

    func nearMisses(for identity: CertificateIdentity, deniedBy deny: ManyToOneMapping? = nil) -> [NearMiss] {
        var found: [NearMiss] = []
        if let exact = mappings.oneToOne(for: identity.sha256), !exact.isEnabled {
            found.append(NearMiss(kind: .disabledMapping, mapping: "one-to-one \"\(exact.name)\"", account: exact.account, detail: "names this exact certificate but is disabled"))
        }
        for renewed in mappings.oneToOne(withSubject: identity.subject.rfc2253) where renewed.fingerprint != identity.sha256 {
            found.append(NearMiss(
                kind: .renewedCertificate, mapping: "one-to-one \"\(renewed.name)\"", account: renewed.account,
                detail: "maps a certificate with this subject but another key or serial (SHA-256 \(renewed.fingerprint.colonHex.prefix(11))…): probably this user's previous certificate"))
        }
        // A renewal that moved the e-mail address between the subject and the SAN changes the
        // subject's text but not who it names.
        let withoutEmail = Self.subjectWithoutEmail(identity.subject.rfc2253)
        for renewed in mappings.oneToOne.prefix(limit) where renewed.fingerprint != identity.sha256 && renewed.subject != identity.subject.rfc2253 {
            guard let subject = renewed.subject, Self.subjectWithoutEmail(subject) == withoutEmail else { continue }
            found.append(NearMiss(
                kind: .renewedCertificate, mapping: "one-to-one \"\(renewed.name)\"", account: renewed.account,
                detail: "maps a certificate of the same person (\(subject)) with another key; the e-mail address moved between the subject and the SAN: probably this user's previous certificate"))
        }
        var passedDeny = deny == nil
        for (ordinal, mapping) in mappings.manyToOne.prefix(limit).enumerated() {
            let label = "many-to-one #\(ordinal + 1) \"\(mapping.name)\""
            if let deny, mapping == deny {
                passedDeny = true
                continue
            }
            let verdict = evaluate(mapping, identity)
            switch verdict {
            case .matches:
                if !mapping.isEnabled {
                    found.append(NearMiss(kind: .disabledMapping, mapping: label, account: mapping.account, detail: "matches this certificate but is disabled"))
                } else if deny != nil, passedDeny, mapping.permission == .allow {
                    found.append(NearMiss(kind: .shadowedByDeny, mapping: label, account: mapping.account, detail: "matches too, but the deny mapping above it matched first"))
                } else if mapping.permission == .allow, let account = mapping.account, policy.accounts[account]?.isEnabled == false {
                    found.append(NearMiss(kind: .disabledAccount, mapping: label, account: account, detail: "matches, but its account \(account) is disabled"))
                }
            case .onlyLetterCase(let rule):
                found.append(NearMiss(kind: .letterCase, mapping: label, account: mapping.account, detail: rule))
            case .oneRuleDiffers(let rule) where mapping.rules.count > 1:
                found.append(NearMiss(kind: .oneRuleDiffers, mapping: label, account: mapping.account, detail: rule))
            case .otherField(let detail):
                found.append(NearMiss(kind: .otherField, mapping: label, account: mapping.account, detail: detail))
            case .otherSubfield(let detail):
                found.append(NearMiss(kind: .otherSubfield, mapping: label, account: mapping.account, detail: detail))
            case .almostMatchingPattern(let detail):
                found.append(NearMiss(kind: .almostMatchingPattern, mapping: label, account: mapping.account, detail: detail))
            default:
                break
            }
            if found.count >= maximum * 2 { break }
        }
        return Array(found.sorted { $0.kind.rank < $1.kind.rank }.prefix(maximum))
    }

    private enum Verdict {
        case matches
        case onlyLetterCase(String)
        case oneRuleDiffers(String)
        case otherField(String)
        case otherSubfield(String)
        case almostMatchingPattern(String)
        case farOff
    }

    /// The certificate's value that the rule's fixed text (what comes before its first `*`, or all
    /// of it) misses by one edit or one swap of neighbouring letters, ignoring case.
    static func oneTypoAway(_ rule: MappingRule, _ identity: CertificateIdentity) -> String? {
        let source = rule.pattern.source.lowercased()
        let literal = String(source.prefix { $0 != "*" })
        guard literal.count >= 3 else { return nil }
        let wildcardAfter = literal.count < source.count
        return identity.ruleValues(of: rule.subfield, in: rule.field).raw.first { value in
            let lowered = value.lowercased()
            let compared = wildcardAfter ? String(lowered.prefix(literal.count)) : lowered
            let distance = Self.restrictedEditDistance(Array(literal), Array(compared))
            if distance == 1 { return true }
            // A wildcard after the text: the value may be one letter shorter or longer there too.
            guard wildcardAfter else { return false }
            return [literal.count - 1, literal.count + 1].contains { length in
                length > 0 && Self.restrictedEditDistance(Array(literal), Array(lowered.prefix(length))) == 1
            }
        }
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbouring characters each count one.
    static func restrictedEditDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], previous2[j - 2] + 1) }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// An RFC 2253 subject without its e-mail attribute, lower-cased, for comparing renewals.
    static func subjectWithoutEmail(_ subject: String) -> String {
        subject.lowercased().split(separator: ",").filter { !$0.hasPrefix("emailaddress=") && !$0.hasPrefix("e=") && !$0.hasPrefix("1.2.840.113549.1.9.1=") }.joined(separator: ",")
    }

    /// The failing rule would match on the other field, or on another subfield of its field.
    private func misplaced(_ rule: MappingRule, _ identity: CertificateIdentity) -> Verdict? {
        // The rule's own pattern is tried on the other places; a rule is made (for its label) only on a hit.
        let other: CertificateField = rule.field == .subject ? .issuer : .subject
        if rule.subfield.nameSubfield != nil || other == .subject, rule.patternMatches(identity, subfield: rule.subfield, in: other) {
            let swapped = MappingRule(field: other, subfield: rule.subfield, match: rule.pattern.source, caseSensitive: rule.pattern.isCaseSensitive)
            return .otherField("\(rule.label) fails, but \(swapped.label) matches: the rule is on the \(rule.field.rawValue) where the \(other.rawValue) was meant")
        }
        if let value = Self.oneTypoAway(rule, identity) {
            return .almostMatchingPattern("\(rule.label) fails on \"\(value)\" by one letter (a typo in the rule, or in the certificate)")
        }
        for subfield in CertificateSubfield.allCases where subfield != rule.subfield && (rule.field == .subject || subfield.nameSubfield != nil) {
            if rule.patternMatches(identity, subfield: subfield, in: rule.field) {
                let moved = MappingRule(field: rule.field, subfield: subfield, match: rule.pattern.source, caseSensitive: rule.pattern.isCaseSensitive)
                return .otherSubfield("\(rule.label) fails, but \(moved.label) matches: the value is in \(rule.field.rawValue).\(subfield.rawValue), not \(rule.field.rawValue).\(rule.subfield.rawValue)")
            }
        }
        return nil
    }

    private func evaluate(_ mapping: ManyToOneMapping, _ identity: CertificateIdentity) -> Verdict {
        var failed: [String] = []
        var caseOnly: [String] = []
        for rule in mapping.rules {
            let evaluation = rule.evaluate(identity)
            guard !evaluation.matched else { continue }
            if evaluation.differsOnlyInCase {
                caseOnly.append(evaluation.explanation)
            } else {
                failed.append(evaluation.explanation)
            }
            if failed.count + caseOnly.count > 1 && failed.count > 0 { return .farOff }
        }
        if failed.isEmpty && caseOnly.isEmpty { return mapping.rules.isEmpty ? .farOff : .matches }
        if failed.isEmpty { return .onlyLetterCase(caseOnly.joined(separator: "; ")) }
        guard failed.count == 1, caseOnly.isEmpty else { return .farOff }
        if let rule = mapping.rules.first(where: { !$0.evaluate(identity).matched }), let misplaced = misplaced(rule, identity) { return misplaced }
        return .oneRuleDiffers(failed[0])
    }
}

extension NearMiss.Kind {
    /// The most telling first: a switch flipped off beats a rule that differs.
    var rank: Int {
        switch self {
        case .disabledMapping: return 0
        case .disabledAccount: return 1
        case .shadowedByDeny: return 2
        case .otherField, .otherSubfield, .almostMatchingPattern: return 2
        case .letterCase: return 3
        case .renewedCertificate: return 4
        case .oneRuleDiffers: return 5
        case .impersonation: return 6
        }
    }
}
