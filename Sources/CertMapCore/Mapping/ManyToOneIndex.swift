/// Buckets many-to-one mappings by one literal of one rule, so a decision tests only the mappings
/// that could possibly match instead of all 10,000 of them.
///
/// Each mapping is filed under its most selective rule: an exact criterion (`O = Contoso`) by its
/// value, else a criterion with a literal prefix (`CN = svc-*`) by that prefix, else one with a
/// literal suffix (`E = *@contoso.example`) by that suffix; a mapping with only `*`-leading and
/// trailing criteria goes to the fallback list that is always tried. Keys are lower-cased, so a
/// bucket may hold candidates that a case-sensitive rule then rejects: the bucket narrows, the
/// rules decide. Candidates are tried in configuration order, preserving IIS's first-match-wins.
struct ManyToOneIndex: Sendable {
    private struct Slot: Hashable, Sendable {
        var field: CertificateField
        var subfield: CertificateSubfield
    }

    private struct Key: Hashable, Sendable {
        var slot: Slot
        var text: String
    }

    private var exact: [Key: [Int]] = [:]
    private var prefixes: [Key: [Int]] = [:]
    private var suffixes: [Key: [Int]] = [:]
    /// Distinct literal lengths per slot, so a lookup probes only lengths that exist.
    private var prefixLengths: [Slot: Set<Int>] = [:]
    private var suffixLengths: [Slot: Set<Int>] = [:]
    private var slots: Set<Slot> = []
    private(set) var fallback: [Int] = []

    init(_ mappings: [ManyToOneMapping]) {
        for (ordinal, mapping) in mappings.enumerated() {
            file(ordinal, mapping)
        }
    }

    private mutating func file(_ ordinal: Int, _ mapping: ManyToOneMapping) {
        let rules = mapping.rules
        if let rule = rules.first(where: { $0.pattern.isExact }), let text = rule.pattern.indexPrefix {
            let slot = Slot(field: rule.field, subfield: rule.subfield)
            exact[Key(slot: slot, text: text), default: []].append(ordinal)
            slots.insert(slot)
        } else if let (rule, text) = longest(rules, \.pattern.indexPrefix) {
            let slot = Slot(field: rule.field, subfield: rule.subfield)
            prefixes[Key(slot: slot, text: text), default: []].append(ordinal)
            prefixLengths[slot, default: []].insert(text.count)
            slots.insert(slot)
        } else if let (rule, text) = longest(rules, \.pattern.indexSuffix) {
            let slot = Slot(field: rule.field, subfield: rule.subfield)
            suffixes[Key(slot: slot, text: text), default: []].append(ordinal)
            suffixLengths[slot, default: []].insert(text.count)
            slots.insert(slot)
        } else {
            fallback.append(ordinal)
        }
    }

    private func longest(_ rules: [MappingRule], _ literal: KeyPath<MappingRule, String?>) -> (MappingRule, String)? {
        rules.compactMap { rule in rule[keyPath: literal].flatMap { $0.isEmpty ? nil : (rule, $0) } }
            .max { $0.1.count < $1.1.count }
    }

    /// Ordinals of the mappings that may match `identity`, ascending (configuration order).
    func candidates(for identity: CertificateIdentity) -> [Int] {
        var found = fallback
        for slot in slots {
            for raw in identity.values(of: slot.subfield, in: slot.field) {
                let value = WildcardPattern.normalise(raw, caseSensitive: false)
                found += exact[Key(slot: slot, text: value)] ?? []
                for length in prefixLengths[slot] ?? [] where length <= value.count {
                    found += prefixes[Key(slot: slot, text: String(value.prefix(length)))] ?? []
                }
                for length in suffixLengths[slot] ?? [] where length <= value.count {
                    found += suffixes[Key(slot: slot, text: String(value.suffix(length)))] ?? []
                }
            }
        }
        return Array(Set(found)).sorted()
    }

    /// How many mappings sit in buckets versus the always-tried fallback (for stats and benchmarks).
    var bucketedCount: Int { exact.values.reduce(0) { $0 + $1.count } + prefixes.values.reduce(0) { $0 + $1.count } + suffixes.values.reduce(0) { $0 + $1.count } }
}
