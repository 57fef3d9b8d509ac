/// Three-way merge of configurations, for a save that finds the file changed since the editor
/// loaded it (another console, `certmap mappings add`, an import, a hand edit).
///
/// Mappings are merged one by one, by name (names are unique, the validator says so): each side's
/// additions, removals and changes are kept as long as the two sides did not touch the same
/// mapping, and a reordering of many-to-one mappings (first match wins) counts as touching the
/// order. Every other section (accounts, resources, trust, server, mapping switches) is merged
/// whole: taken from the side that changed it, a conflict when both changed it differently.
/// Pure, so every case is unit-tested.
public enum ConfigMerge {
    /// Why two edits cannot be merged: one line per thing both sides changed.
    public struct Conflict: Error, Hashable, Sendable, CustomStringConvertible {
        public let items: [String]
        public var description: String { "both changed " + items.joined(separator: "; ") }
    }

    /// What changed from `base` to `other`, one line each (`added many-to-one "X"`), in file order.
    public static func changes(from base: ConfigDocument, to other: ConfigDocument) -> [String] {
        var lines: [String] = []
        lines += ListChange(base.oneToOne, other.oneToOne, name: \.name).lines(kind: "one-to-one")
        lines += ListChange(base.manyToOne, other.manyToOne, name: \.name).lines(kind: "many-to-one")
        for section in sections where section.differs(base, other) {
            lines.append("changed \(section.name)")
        }
        return lines
    }

    /// `mine` and `theirs` were both edited from `base`; returns a document with both edits.
    public static func merge(base: ConfigDocument, mine: ConfigDocument, theirs: ConfigDocument) -> Result<ConfigDocument, Conflict> {
        var conflicts: [String] = []
        var merged = theirs
        for section in sections {
            let mineChanged = section.differs(base, mine)
            let theirsChanged = section.differs(base, theirs)
            if mineChanged && theirsChanged && section.differs(mine, theirs) {
                conflicts.append(section.name)
            } else if mineChanged {
                section.copy(mine, &merged)
            }
        }
        switch mergeList(base: base.oneToOne, mine: mine.oneToOne, theirs: theirs.oneToOne, name: \.name, kind: "one-to-one") {
        case .success(let list): merged.oneToOne = list
        case .failure(let conflict): conflicts += conflict.items
        }
        switch mergeList(base: base.manyToOne, mine: mine.manyToOne, theirs: theirs.manyToOne, name: \.name, kind: "many-to-one") {
        case .success(let list): merged.manyToOne = list
        case .failure(let conflict): conflicts += conflict.items
        }
        return conflicts.isEmpty ? .success(merged) : .failure(Conflict(items: conflicts))
    }

    // MARK: - Whole sections

    private struct Section {
        let name: String
        let differs: (ConfigDocument, ConfigDocument) -> Bool
        let copy: (ConfigDocument, inout ConfigDocument) -> Void

        init<Value: Equatable>(_ name: String, _ path: WritableKeyPath<ConfigDocument, Value>) {
            self.name = name
            self.differs = { $0[keyPath: path] != $1[keyPath: path] }
            self.copy = { source, target in target[keyPath: path] = source[keyPath: path] }
        }
    }

    private static var sections: [Section] {[
        Section("the mapping switches", \.mapping), Section("trust", \.trust), Section("accounts", \.accounts),
        Section("resources", \.resources), Section("server settings", \.server),
        Section("journal retention", \.journal),
    ]}

    // MARK: - Named lists

    /// How a list of named entries changed.
    private struct ListChange {
        var added: [String] = []
        var removed: [String] = []
        var modified: [String] = []
        var reordered = false

        init<Entry: Equatable>(_ base: [Entry], _ other: [Entry], name: (Entry) -> String) {
            let before = Dictionary(base.map { (name($0), $0) }) { first, _ in first }
            let after = Dictionary(other.map { (name($0), $0) }) { first, _ in first }
            for entry in other {
                let key = name(entry)
                if let old = before[key] {
                    if old != entry { modified.append(key) }
                } else {
                    added.append(key)
                }
            }
            removed = base.map(name).filter { after[$0] == nil }
            let common = Set(before.keys).intersection(after.keys)
            reordered = base.map(name).filter(common.contains) != other.map(name).filter(common.contains)
        }

        var touched: Set<String> { Set(added + removed + modified) }

        func lines(kind: String) -> [String] {
            added.map { "added \(kind) \"\($0)\"" } + removed.map { "removed \(kind) \"\($0)\"" } + modified.map { "changed \(kind) \"\($0)\"" }
                + (reordered ? ["reordered the \(kind) mappings"] : [])
        }
    }

    private static func mergeList<Entry: Equatable>(
        base: [Entry], mine: [Entry], theirs: [Entry], name: (Entry) -> String, kind: String
    ) -> Result<[Entry], Conflict> {
        let mineChange = ListChange(base, mine, name: name)
        let theirsChange = ListChange(base, theirs, name: name)
        let mineByName = Dictionary(mine.map { (name($0), $0) }) { first, _ in first }
        let theirsByName = Dictionary(theirs.map { (name($0), $0) }) { first, _ in first }
        var conflicts = mineChange.touched.intersection(theirsChange.touched)
            .filter { mineByName[$0] != theirsByName[$0] }
            .sorted()
            .map { "\(kind) \"\($0)\"" }
        if mineChange.reordered && theirsChange.reordered {
            let common = Set(mineByName.keys).intersection(theirsByName.keys)
            if mine.map(name).filter(common.contains) != theirs.map(name).filter(common.contains) {
                conflicts.append("the order of the \(kind) mappings")
            }
        }
        guard conflicts.isEmpty else { return .failure(Conflict(items: conflicts)) }
        // Start from the side that reordered (its order wins) and replay the other side's edits.
        return mineChange.reordered
            ? .success(replay(theirsChange, from: theirs, onto: mine, name: name))
            : .success(replay(mineChange, from: mine, onto: theirs, name: name))
    }

    /// Applies `change` (made in `source`) to `target`: removals, replacements, and additions
    /// placed after every entry that preceded them in `source` (an entry both sides added is
    /// kept once).
    private static func replay<Entry>(_ change: ListChange, from source: [Entry], onto target: [Entry], name: (Entry) -> String) -> [Entry] {
        let removed = Set(change.removed)
        let modified = Set(change.modified)
        let sourceByName = Dictionary(source.map { (name($0), $0) }) { first, _ in first }
        var result = target.filter { !removed.contains(name($0)) }.map { entry in
            modified.contains(name(entry)) ? sourceByName[name(entry)] ?? entry : entry
        }
        let added = Set(change.added)
        for (index, entry) in source.enumerated() where added.contains(name(entry)) {
            let names = result.map(name)
            guard !names.contains(name(entry)) else { continue }
            let preceding = Set(source[..<index].map(name))
            let position = names.lastIndex { preceding.contains($0) }.map { $0 + 1 } ?? 0
            result.insert(entry, at: position)
        }
        return result
    }
}
