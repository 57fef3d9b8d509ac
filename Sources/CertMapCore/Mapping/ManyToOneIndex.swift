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

    /// The buckets of one slot. Lookups hash only the value text, not the slot.
    private struct SlotTable: Sendable {
        var exact: [String: [Int]] = [:]
        var prefixes: [String: [Int]] = [:]
        var suffixes: [String: [Int]] = [:]
        /// Distinct literal lengths (in UTF-8 bytes, as the matcher compares), ascending, so a
        /// lookup probes only lengths that exist.
        var prefixLengths: [Int] = []
        var suffixLengths: [Int] = []
    }

    /// One table per slot that any mapping is filed under, in first-use order.
    private var tables: [(slot: Slot, table: SlotTable)] = []
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
        for position in tables.indices {
            tables[position].table.prefixLengths = Array(Set(tables[position].table.prefixLengths)).sorted()
            tables[position].table.suffixLengths = Array(Set(tables[position].table.suffixLengths)).sorted()
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
        let text = choice.key.text
        let position: Int
        if let existing = tables.firstIndex(where: { $0.slot == slot }) {
            position = existing
        } else {
            tables.append((slot, SlotTable()))
            position = tables.count - 1
        }
        switch choice.kind {
        case .exact:
            tables[position].table.exact[text, default: []].append(ordinal)
        case .prefix:
            tables[position].table.prefixes[text, default: []].append(ordinal)
            tables[position].table.prefixLengths.append(text.utf8.count)
        case .suffix:
            tables[position].table.suffixes[text, default: []].append(ordinal)
            tables[position].table.suffixLengths.append(text.utf8.count)
        }
    }

    /// Ordinals of the mappings that may match `identity`, ascending (configuration order).
    func candidates(for identity: CertificateIdentity) -> [Int] {
        var found = fallback
        for (slot, table) in tables {
            for value in identity.ruleValues(of: slot.subfield, in: slot.field).folded {
                if let hits = table.exact[value] { found += hits }
                // Byte slices, like the matcher's own comparison; a cut inside a scalar gives
                // replacement characters that no key contains, so it just finds nothing.
                let bytes = value.utf8
                for length in table.prefixLengths {
                    guard length <= bytes.count else { break }
                    if let hits = table.prefixes[String(decoding: bytes.prefix(length), as: UTF8.self)] { found += hits }
                }
                for length in table.suffixLengths {
                    guard length <= bytes.count else { break }
                    if let hits = table.suffixes[String(decoding: bytes.suffix(length), as: UTF8.self)] { found += hits }
                }
            }
        }
        return Self.sortedUnique(found)
    }

    /// Ascending without duplicates. Candidate lists are usually short, and for those an
    /// insertion sort in place beats the allocating stable sort.
    private static func sortedUnique(_ ordinals: [Int]) -> [Int] {
        guard ordinals.count > 1 else { return ordinals }
        var sorted = ordinals
        if sorted.count > 32 {
            sorted.sort()
        } else {
            insertionSort(&sorted)
        }
        var unique = 1
        for index in 1..<sorted.count where sorted[unique - 1] != sorted[index] {
            sorted[unique] = sorted[index]
            unique += 1
        }
        sorted.removeLast(sorted.count - unique)
        return sorted
    }

    private static func insertionSort(_ sorted: inout [Int]) {
        for index in 1..<sorted.count {
            let value = sorted[index]
            var slot = index
            while slot > 0, sorted[slot - 1] > value {
                sorted[slot] = sorted[slot - 1]
                slot -= 1
            }
            sorted[slot] = value
        }
    }

    /// How many mappings sit in buckets versus the always-tried fallback (for stats and benchmarks).
    var bucketedCount: Int {
        tables.reduce(0) { total, entry in
            let table = entry.table
            return total + (table.exact.values.reduce(0) { $0 + $1.count } + table.prefixes.values.reduce(0) { $0 + $1.count }
                + table.suffixes.values.reduce(0) { $0 + $1.count })
        }
    }
}
