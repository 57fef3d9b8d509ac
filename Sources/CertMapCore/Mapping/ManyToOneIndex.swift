/// Buckets many-to-one mappings by one literal of one rule, so a decision tests only the mappings
/// that could possibly match instead of all 10,000 of them.
///
/// Each mapping is filed under its most selective rule: an exact criterion (`O = Contoso`) by its
/// value, a criterion with a literal prefix (`CN = svc-*`) by that prefix, or one with a literal
/// suffix (`E = *@contoso.example`) by that suffix, whichever the fewest mappings share; a mapping
/// with only `*`-leading and trailing criteria goes to the fallback list that is always tried.
/// Keys are lower-cased, so a bucket may hold candidates that a case-sensitive rule then rejects:
/// the bucket narrows, the rules decide. Candidates are tried in configuration order, preserving
/// IIS's first-match-wins.
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

    private enum Kind: Int, Comparable, Sendable {
        case exact, prefix, suffix
        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A bucket one rule of a mapping could be filed under.
    private struct Choice: Hashable, Sendable {
        var kind: Kind
        var key: Key
    }

    init(_ mappings: [ManyToOneMapping]) {
        // Two passes: a literal shared by many mappings (`O = Contoso` on every mapping) is a poor
        // bucket, so each mapping goes under the choice fewest mappings share; ties prefer exact,
        // then prefix, then suffix, then the longer literal. Any rule's literal is a sound filter:
        // a mapping matches only when all its rules do.
        let choices = mappings.map(Self.choices)
        var sharing: [Choice: Int] = [:]
        for choice in choices.lazy.flatMap({ Set($0) }) {
            sharing[choice, default: 0] += 1
        }
        for (ordinal, options) in choices.enumerated() {
            let best = options.min { lhs, rhs in
                (sharing[lhs]!, lhs.kind, -lhs.key.text.count) < (sharing[rhs]!, rhs.kind, -rhs.key.text.count)
            }
            file(ordinal, best)
        }
    }

    private static func choices(_ mapping: ManyToOneMapping) -> [Choice] {
        mapping.rules.flatMap { rule -> [Choice] in
            let slot = Slot(field: rule.field, subfield: rule.subfield)
            if rule.pattern.isExact, let text = rule.pattern.indexPrefix {
                return [Choice(kind: .exact, key: Key(slot: slot, text: text))]
            }
            var options: [Choice] = []
            if let text = rule.pattern.indexPrefix, !text.isEmpty {
                options.append(Choice(kind: .prefix, key: Key(slot: slot, text: text)))
            }
            if let text = rule.pattern.indexSuffix, !text.isEmpty {
                options.append(Choice(kind: .suffix, key: Key(slot: slot, text: text)))
            }
            return options
        }
    }

    private mutating func file(_ ordinal: Int, _ choice: Choice?) {
        guard let choice else {
            fallback.append(ordinal)
            return
        }
        let slot = choice.key.slot
        slots.insert(slot)
        switch choice.kind {
        case .exact:
            exact[choice.key, default: []].append(ordinal)
        case .prefix:
            prefixes[choice.key, default: []].append(ordinal)
            prefixLengths[slot, default: []].insert(choice.key.text.count)
        case .suffix:
            suffixes[choice.key, default: []].append(ordinal)
            suffixLengths[slot, default: []].insert(choice.key.text.count)
        }
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
