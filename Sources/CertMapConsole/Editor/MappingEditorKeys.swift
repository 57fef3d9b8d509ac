import CertMapCore

/// What the Mappings screen's commands and the editor form do to the state: pure, like the rest
/// of the reducer. Saving and dry runs become requests for the host.
enum MappingEditorKeys {
    static func run(_ command: ConsoleCommand, in state: inout ConsoleState) -> [ConsoleRequest] {
        guard var draft = state.draft else {
            state.show("the mappings have not arrived from the server yet", severity: .warning)
            return []
        }
        let selected = selectedReference(state)
        var requests: [ConsoleRequest] = []
        switch command {
        case .edit:
            guard let selected, let form = MappingForm.editing(selected, in: draft.document) else {
                state.show("no mapping selected; a adds one", severity: .warning)
                return []
            }
            state.mappingForm = form
        case .addMapping:
            state.mappingForm = .newManyToOne()
        case .deleteMapping:
            guard let selected else { return [] }
            state.confirmation = Confirmation(question: "Delete the mapping \"\(name(of: selected, in: draft.document))\"?", action: .deleteMapping(selected))
        case .toggleMapping:
            guard let selected else { return [] }
            let wasEnabled = isEnabled(selected, in: draft.document)
            draft.apply("\(wasEnabled ? "disable" : "enable") \(name(of: selected, in: draft.document))") { document in
                switch selected {
                case .oneToOne(let index): document.oneToOne[index].enabled.toggle()
                case .manyToOne(let index): document.manyToOne[index].enabled.toggle()
                }
            }
        case .moveMappingUp, .moveMappingDown:
            guard case .manyToOne(let index) = selected else {
                state.show("only many-to-one mappings have an order (one-to-one are matched by certificate)", severity: .warning)
                return []
            }
            let target = command == .moveMappingUp ? index - 1 : index + 1
            guard draft.document.manyToOne.indices.contains(target) else { return [] }
            draft.apply("move \(draft.document.manyToOne[index].name) \(command == .moveMappingUp ? "up" : "down")") { document in
                document.manyToOne.swapAt(index, target)
            }
            state.mappingCursor.move(by: target - index, count: draft.entries.count, page: state.pageHeight)
        case .undo:
            if let label = draft.undo() { state.show("undid: \(label)") } else { state.show("nothing to undo") }
        case .redo:
            if let label = draft.redo() { state.show("redid: \(label)") } else { state.show("nothing to redo") }
        case .dryRun:
            state.show("dry run: re-deciding recent requests with the edited mappings…")
            requests = [.dryRunMappings(draft.document)]
        case .save:
            if !draft.isDirty {
                state.show("nothing to save: the mappings on screen are the ones in force")
            } else if let issue = draft.issues.first {
                state.show("cannot save: \(issue)", severity: .error)
            } else {
                state.confirmation = Confirmation(question: "Save \(draft.pendingEdits) edit(s) and apply them live?", action: .saveMappings)
            }
        default:
            break
        }
        state.draft = draft
        state.mappingCursor.update(count: draft.entries.count, page: state.pageHeight)
        return requests
    }

    /// The operator's answer to a save that found the file changed elsewhere.
    static func resolve(_ conflict: SaveConflict, with key: Key, in state: inout ConsoleState) -> [ConsoleRequest] {
        state.saveConflict = nil
        guard var draft = state.draft else { return [] }
        defer { state.draft = draft }
        switch conflict.choice(for: key) {
        case .merge:
            guard let merged = conflict.merged else { return [] }
            draft.adopt(base: conflict.theirs, document: merged, label: "merge with the file on disk")
            state.show("saving your edits merged with the file on disk…")
            return [.saveMappings(merged, editedFrom: conflict.theirs)]
        case .keepMine:
            draft.adopt(base: conflict.theirs, document: conflict.mine, label: "keep mine over the file on disk")
            state.show("saving your edits over the file on disk (its previous version is kept as config.json.1)…")
            return [.saveMappings(conflict.mine, editedFrom: conflict.theirs)]
        case .takeTheirs:
            draft = MappingDraft(base: conflict.theirs)
            state.show("took the file on disk; your unsaved edits were dropped", severity: .warning)
        case .cancel:
            state.show("not saved; your edits are still pending (w saves again)")
        }
        state.mappingCursor.update(count: draft.entries.count, page: state.pageHeight)
        return []
    }

    /// Carries out a confirmed mapping question.
    static func confirm(_ action: Confirmation.Action, in state: inout ConsoleState) -> [ConsoleRequest] {
        guard var draft = state.draft else { return [] }
        switch action {
        case .saveMappings:
            state.show("saving mappings…")
            return [.saveMappings(draft.document, editedFrom: draft.origin)]
        case .deleteMapping(let reference):
            draft.apply("delete \(name(of: reference, in: draft.document))") { document in
                switch reference {
                case .oneToOne(let index): document.oneToOne.remove(at: index)
                case .manyToOne(let index): document.manyToOne.remove(at: index)
                }
            }
        case .discardEdits:
            draft.discard()
            state.dryRun = nil
            state.screen = .live
            state.show("unsaved mapping edits discarded")
        case .quit, .deleteSession:
            break
        }
        state.draft = draft
        state.mappingCursor.update(count: draft.entries.count, page: state.pageHeight)
        return []
    }

    /// Keys while the form is open: tab/↓ and shift-tab/↑ move between fields, enter applies,
    /// esc cancels, anything else edits the focused field.
    static func edit(_ key: Key, in state: inout ConsoleState) {
        guard var form = state.mappingForm else { return }
        switch key {
        case .escape:
            state.mappingForm = nil
            state.show("edit cancelled")
            return
        case .enter:
            submit(form, in: &state)
            return
        case .tab, .down:
            form.focus = (form.focus + 1) % form.fields.count
        case .backTab, .up:
            form.focus = (form.focus - 1 + form.fields.count) % form.fields.count
        case .backspace, .delete:
            if !form.fields[form.focus].text.isEmpty { form.fields[form.focus].text.removeLast() }
        case .control("u"):
            form.fields[form.focus].text = ""
        case .character(let character):
            form.fields[form.focus].text.append(character)
        default:
            return
        }
        form.error = nil
        state.mappingForm = form
    }

    private static func submit(_ form: MappingForm, in state: inout ConsoleState) {
        guard var draft = state.draft else { return }
        var edited = draft.document
        do {
            try form.apply(to: &edited)
        } catch {
            state.mappingForm?.error = error.description
            return
        }
        let label = form.target == .newManyToOne ? "add \(form.text("Name"))" : "edit \(form.text("Name"))"
        draft.apply(label) { $0 = edited }
        state.draft = draft
        state.mappingForm = nil
        if form.target == .newManyToOne {
            state.mappingCursor.select(draft.entries.count - 1, count: draft.entries.count, page: state.pageHeight)
        }
        let problems = draft.issues.count
        state.show(problems == 0 ? "\(label): not saved yet (w saves, D dry-runs, u undoes)" : "\(label): \(problems) problem(s) to fix before saving", severity: problems == 0 ? .info : .warning)
    }

    static func selectedReference(_ state: ConsoleState) -> MappingReference? {
        guard let entries = state.draft?.entries, !entries.isEmpty else { return nil }
        return entries[min(state.mappingCursor.selected, entries.count - 1)]
    }

    static func name(of reference: MappingReference, in document: ConfigDocument) -> String {
        switch reference {
        case .oneToOne(let index): return document.oneToOne.indices.contains(index) ? document.oneToOne[index].name : "?"
        case .manyToOne(let index): return document.manyToOne.indices.contains(index) ? document.manyToOne[index].name : "?"
        }
    }

    private static func isEnabled(_ reference: MappingReference, in document: ConfigDocument) -> Bool {
        switch reference {
        case .oneToOne(let index): return document.oneToOne[index].enabled
        case .manyToOne(let index): return document.manyToOne[index].enabled
        }
    }
}
