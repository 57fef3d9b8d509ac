import CertMapCore

/// A save that found config.json changed by another writer since the draft was started (a
/// `certmap mappings add` from another shell, a second console): what changed on disk, the
/// merge of both edits when they touch different mappings, and the operator's choice. Nothing is
/// written until the operator picks; the default is to cancel.
public struct SaveConflict: Hashable, Sendable {
    /// The draft that was to be saved.
    public var mine: ConfigDocument
    /// What the file holds now.
    public var theirs: ConfigDocument
    /// What the other writer changed, one item each.
    public var changes: [String]
    /// Both edits together, when they do not touch the same mapping or section.
    public var merged: ConfigDocument?
    /// What both sides changed, when they cannot be merged.
    public var clash: String?

    public init(mine: ConfigDocument, base: ConfigDocument, theirs: ConfigDocument, changes: [String]) {
        self.mine = mine
        self.theirs = theirs
        self.changes = changes
        switch ConfigMerge.merge(base: base, mine: mine, theirs: theirs) {
        case .success(let document): merged = document
        case .failure(let conflict): clash = conflict.description
        }
    }

    /// The question in the footer: what changed, then the choices.
    public var text: String {
        let what = changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")
        let merge = merged != nil ? "m merge both  " : "(cannot merge: \(clash ?? "both changed the same thing")) "
        return "config.json was changed elsewhere\(what). \(merge)k keep mine  t take theirs  [esc cancels]"
    }

    /// What the operator picked: save the merge of both edits, keep the draft, take the file as it
    /// is, or save nothing.
    public enum Choice: Hashable, Sendable {
        case merge, keepMine, takeTheirs, cancel
    }

    /// `m`, `k`, `t`; anything else cancels (and `m` cancels when there is nothing to merge).
    public func choice(for key: Key) -> Choice {
        switch key {
        case .character("m") where merged != nil: return .merge
        case .character("k"): return .keepMine
        case .character("t"): return .takeTheirs
        default: return .cancel
        }
    }
}
