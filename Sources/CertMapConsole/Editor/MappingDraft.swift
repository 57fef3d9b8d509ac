import CertMapCore

/// The mappings being edited in the console: the configuration in force, the edited copy, and
/// undo/redo of the edits not yet saved.
///
/// Edits never touch the server until they are saved; saving is a request to the host, which
/// writes the file atomically and applies it live as a new generation, then rebases the draft.
public struct MappingDraft: Hashable, Sendable {
    /// One step of history: the document before the edit, and what the edit was.
    struct Step: Hashable, Sendable {
        let before: ConfigDocument
        let label: String
    }

    /// The configuration in force on the server.
    public private(set) var base: ConfigDocument
    /// The edited configuration (equal to `base` when nothing is pending).
    public private(set) var document: ConfigDocument
    /// The configuration the pending edits were made against. It stays put when another writer's
    /// change becomes `base` under pending edits, so saving compares the file with what the
    /// operator actually edited and never silently overwrites the other change.
    public private(set) var origin: ConfigDocument
    private var undoStack: [Step] = []
    private var redoStack: [Step] = []
    static let historyLimit = 100

    public init(base: ConfigDocument) {
        self.base = base
        self.document = base
        self.origin = base
    }

    /// Whether the draft differs from the configuration in force.
    public var isDirty: Bool { document != base }
    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }
    /// How many edits undo can take back.
    public var pendingEdits: Int { undoStack.count }

    /// What is wrong with the draft (the server would refuse it), with field paths.
    public var issues: [ConfigIssue] { ConfigValidator.validate(document) }

    /// The mappings in the order the server tries them.
    public var entries: [MappingReference] {
        document.oneToOne.indices.map(MappingReference.oneToOne) + document.manyToOne.indices.map(MappingReference.manyToOne)
    }

    /// Applies an edit; it can be undone. An edit that changes nothing is not recorded.
    public mutating func apply(_ label: String, _ change: (inout ConfigDocument) -> Void) {
        var edited = document
        change(&edited)
        guard edited != document else { return }
        undoStack.append(Step(before: document, label: label))
        if undoStack.count > Self.historyLimit { undoStack.removeFirst() }
        redoStack.removeAll()
        document = edited
    }

    /// Takes the last edit back; returns what it was.
    public mutating func undo() -> String? {
        guard let step = undoStack.popLast() else { return nil }
        redoStack.append(Step(before: document, label: step.label))
        document = step.before
        return step.label
    }

    /// Re-applies the last undone edit; returns what it was.
    public mutating func redo() -> String? {
        guard let step = redoStack.popLast() else { return nil }
        undoStack.append(Step(before: document, label: step.label))
        document = step.before
        return step.label
    }

    /// The server now runs `document` (loaded, or saved from this draft): it becomes the base.
    /// Pending edits are kept unless they are exactly what was saved.
    public mutating func rebase(on document: ConfigDocument) {
        base = document
        if self.document == document || undoStack.isEmpty {
            self.document = document
            origin = document
            undoStack.removeAll()
            redoStack.removeAll()
        }
    }

    /// Takes `base` as the configuration in force and `document` as the draft (after another
    /// writer changed the file: the merge, or mine kept over theirs); undoable as one edit.
    public mutating func adopt(base: ConfigDocument, document: ConfigDocument, label: String) {
        self.base = base
        origin = base
        undoStack.append(Step(before: self.document, label: label))
        redoStack.removeAll()
        self.document = document
    }

    /// Drops every pending edit.
    public mutating func discard() {
        document = base
        origin = base
        undoStack.removeAll()
        redoStack.removeAll()
    }
}

/// A mapping in the draft, by kind and position.
public enum MappingReference: Hashable, Sendable {
    case oneToOne(Int)
    case manyToOne(Int)
}
