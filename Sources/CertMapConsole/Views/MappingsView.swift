import CertMapCore

/// Screen 3: the mappings in the order the server tries them (one-to-one first, then
/// many-to-one top to bottom, first match wins: IIS semantics), as edited in the draft: the
/// selected mapping, what is wrong with the draft, and the last dry run.
enum MappingsView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        guard let draft = state.draft else {
            buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
            buffer.write(" Mappings", x: 0, y: area.y, role: .header)
            EmptyStateView.render(
                title: "Mappings have not been received from the server yet",
                paragraphs: [
                    "Once the console is connected to the server this screen lists the one-to-one mappings (one certificate to one account) and the many-to-one mappings (rules on subject and issuer fields to an account, allow or deny) in the order they are tried, with the accounts.",
                    "j/k select, e edits, a adds, w saves; 1 returns to Live.",
                ], into: &buffer, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1), glyphs: state.glyphs)
            return
        }
        buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
        let title = draft.isDirty
            ? " Mappings: \(Formatting.count(draft.pendingEdits, "unsaved edit")) (w save, u undo, D dry run, q discard)"
            : " Mappings in force (e edit, a add, d delete, space enable/disable, J/K reorder)"
        buffer.write(title, x: 0, y: area.y, role: .header, overflow: .ellipsis(state.glyphs.ellipsis))
        let (lines, selectedLine) = self.lines(state)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let scroll = selectedLine.map { max(0, min($0 - body.height / 2, lines.count - body.height)) } ?? 0
        for (row, line) in lines.dropFirst(scroll).prefix(body.height).enumerated() {
            let y = body.y + row
            if scroll + row == selectedLine {
                buffer.fill(Rect(x: body.x, y: y, width: body.width, height: 1), role: .selected)
                buffer.draw(line.map { Span($0.text, .selected) }, x: body.x + 1, y: y, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
            } else {
                buffer.draw(line, x: body.x + 1, y: y, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
            }
        }
        if let form = state.mappingForm {
            MappingFormView.render(form, state: state, into: &buffer)
        }
    }

    /// The screen's lines and which one is the selected mapping.
    static func lines(_ state: ConsoleState) -> (lines: [StyledLine], selected: Int?) {
        guard let draft = state.draft else { return ([], nil) }
        let document = draft.document
        let glyphs = state.glyphs
        let selected = MappingEditorKeys.selectedReference(state)
        func enabledMark(_ enabled: Bool) -> Span { enabled ? Span(glyphs.ok, .decisionOK) : Span(glyphs.denied, .muted) }
        var lines: [StyledLine] = []
        var selectedLine: Int?

        let issues = draft.issues
        if !issues.isEmpty {
            lines.append([Span("Problems", .error), Span("  the server would refuse this configuration; fix them before saving", .muted)])
            lines += issues.prefix(5).map { [Span("  \(glyphs.denied) \($0)", .error)] }
            lines.append([])
        }
        if let dryRun = state.dryRun {
            lines += dryRunLines(dryRun, glyphs: glyphs)
        }

        let oneToOneState = document.mapping.oneToOneEnabled ? "enabled" : "switched off"
        lines.append([Span("One-to-one", .header), Span("  \(Formatting.count(document.oneToOne.count, "mapping")), \(oneToOneState), tried first", .muted)])
        if document.oneToOne.isEmpty { lines.append([Span("  none", .muted)]) }
        for (index, entry) in document.oneToOne.enumerated() {
            if selected == .oneToOne(index) { selectedLine = lines.count }
            lines.append([
                Span("  "), enabledMark(entry.enabled), Span(" \(entry.name)"), Span(" \(glyphs.arrow) ", .muted), Span(entry.account, .key),
                Span("  \(entry.subject ?? "")", .muted), Span(entry.sha256.map { "  SHA-256 \($0.prefix(17))\(glyphs.ellipsis)" } ?? "", .muted),
            ])
        }
        lines.append([])

        let manyToOneState = document.mapping.manyToOneEnabled ? "enabled" : "switched off"
        lines.append([Span("Many-to-one", .header), Span("  \(Formatting.count(document.manyToOne.count, "mapping")), \(manyToOneState), first match wins", .muted)])
        if document.manyToOne.isEmpty { lines.append([Span("  none", .muted)]) }
        for (index, entry) in document.manyToOne.enumerated() {
            if selected == .manyToOne(index) { selectedLine = lines.count }
            let permission = entry.permission == .allow ? Span("allow", .decisionOK) : Span("deny ", .decision403)
            let rules = entry.rules.map { "\($0.field.rawValue) \($0.subfield.rawValue)=\($0.match)" }.joined(separator: " and ")
            lines.append([
                Span(String(format: "%3d ", index + 1), .muted), enabledMark(entry.enabled), Span(" "), permission, Span(" \(entry.name)"),
                Span(" \(glyphs.arrow) ", .muted), Span(entry.account ?? "-", .key), Span("  \(rules)", .muted),
            ])
        }
        lines.append([])

        lines.append([Span("Accounts", .header), Span("  \(document.accounts.count)", .muted)])
        for account in document.accounts {
            let groups = account.groups.isEmpty ? "" : "  groups: " + account.groups.joined(separator: ", ")
            lines.append([Span("  "), enabledMark(account.enabled), Span(" \(account.name)"), Span(account.enabled ? groups : "  disabled" + groups, .muted)])
        }
        return (lines, selectedLine)
    }

    private static func dryRunLines(_ dryRun: MappingDryRun, glyphs: GlyphSet) -> [StyledLine] {
        var lines: [StyledLine] = [[
            Span("Dry run", .header),
            Span("  \(dryRun.changes.count) of \(Formatting.count(dryRun.examined, "recent request")) would change" + (dryRun.skipped > 0 ? ", \(dryRun.skipped) skipped (certificate no longer in memory)" : ""), .muted),
        ]]
        if dryRun.modeEffects > 0 {
            lines.append([Span("  (\(dryRun.modeEffects) decided differently from their recording by the mode in force or by time alone, with or without the edits: not counted)", .muted)])
        }
        for change in dryRun.changes.prefix(8) {
            lines.append([
                Span("  \(change.traceID) ", .muted), Span(change.identity, .key), Span(" \(change.method) \(change.path)  "),
                Span(change.was, .muted), Span(" \(glyphs.arrow) ", .muted), Span(change.now, change.now.hasPrefix("2") ? .decisionOK : .decision403),
            ])
        }
        if dryRun.changes.count > 8 { lines.append([Span("  \(glyphs.ellipsis) and \(dryRun.changes.count - 8) more", .muted)]) }
        lines.append([])
        return lines
    }
}
