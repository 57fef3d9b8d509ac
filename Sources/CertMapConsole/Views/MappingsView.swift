import CertMapCore

/// Screen 3: the mappings in force, read-only, in the order the server tries them (one-to-one
/// first, then many-to-one top to bottom, first match wins — IIS semantics).
enum MappingsView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        guard state.configuration != nil else {
            buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
            buffer.write(" Mappings", x: 0, y: area.y, role: .header)
            EmptyStateView.render(
                title: "Mappings have not been received from the server yet",
                paragraphs: [
                    "Once the console is connected to the server this screen lists the one-to-one mappings (one certificate to one account) and the many-to-one mappings (rules on subject and issuer fields to an account, allow or deny) in the order they are tried, with the accounts.",
                    "j/k scroll the list; 1 returns to Live.",
                ], into: &buffer, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1), glyphs: state.glyphs)
            return
        }
        let lines = self.lines(state)
        buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
        buffer.write(" Mappings in force (read-only; e: editing is not available in this build yet)", x: 0, y: area.y, role: .header, overflow: .ellipsis(state.glyphs.ellipsis))
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let scroll = min(state.mappingsScroll, max(0, lines.count - body.height))
        for (row, line) in lines.dropFirst(scroll).prefix(body.height).enumerated() {
            buffer.draw(line, x: body.x + 1, y: body.y + row, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
        }
    }

    static func lineCount(_ state: ConsoleState) -> Int { lines(state).count }

    static func lines(_ state: ConsoleState) -> [StyledLine] {
        guard let document = state.configuration else { return [] }
        let glyphs = state.glyphs
        func enabledMark(_ enabled: Bool) -> Span { enabled ? Span(glyphs.ok, .decisionOK) : Span(glyphs.denied, .muted) }
        var lines: [StyledLine] = []

        let oneToOneState = document.mapping.oneToOneEnabled ? "enabled" : "switched off"
        lines.append([Span("One-to-one", .header), Span("  \(Formatting.count(document.oneToOne.count, "mapping")), \(oneToOneState), tried first", .muted)])
        if document.oneToOne.isEmpty { lines.append([Span("  none", .muted)]) }
        for entry in document.oneToOne {
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
        return lines
    }
}

/// Screen 4: sessions are not recorded by this build; say so, and what the screen is for.
enum SessionsView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
        buffer.write(" Sessions", x: 0, y: area.y, role: .header)
        EmptyStateView.render(
            title: "No recorded sessions",
            paragraphs: [
                "A session is the requests of one client or one connection, with the route and connection grouping they had. Replaying one re-runs it against today's mappings and lists each decision that changes (was \(state.glyphs.arrow) now).",
                "This build does not record sessions yet, so there is nothing to list; Live (1) and Connections (2) show the traffic as it happens.",
            ], into: &buffer, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1), glyphs: state.glyphs)
    }
}
