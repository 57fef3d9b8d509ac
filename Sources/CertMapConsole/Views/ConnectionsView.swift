/// Screen 2: one row per connection with the strip of its requests' outcomes, so the Q190009
/// shape — first request ok, every later one 401 — is visible without opening anything.
enum ConnectionsView {
    static func columns(width: Int) -> TableColumns {
        let wide = width >= 110
        var specs: [TableColumns.Spec] = [.fixed("CONN", 4, right: true)]
        if wide { specs.append(.fixed("OPENED", 8)) }
        specs += [
            .fixed("PEER", wide ? 21 : 15), .fixed("PROXY", 5), .fixed("ROUTE", wide ? 12 : 8), .fixed("TLS", 7),
            .fixed("CERTIFICATE", wide ? 18 : 11), .fixed("REQS", 4, right: true), .flexible("OUTCOMES", minimum: 8),
        ]
        return TableColumns(specs, width: width - 2)
    }

    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        let table = columns(width: area.width)
        let ellipsis = state.glyphs.ellipsis
        let wide = area.width >= 110
        table.drawHeader(into: &buffer, y: area.y, ellipsis: ellipsis)
        let list = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard state.connections.count > 0 else {
            EmptyStateView.render(
                title: "No connections yet",
                paragraphs: ["Each TLS connection to the server appears here with its peer, whether it came through a proxy, and one mark per request (\(state.glyphs.ok) allowed, \(state.glyphs.denied) denied)."],
                into: &buffer, in: list, glyphs: state.glyphs)
            return
        }
        let cursor = state.connectionCursor
        let top = min(cursor.top, max(0, state.connections.count - list.height))
        for row in 0..<list.height {
            let index = top + row
            guard index < state.connections.count else { break }
            let connection = state.connections.connection(at: index)
            let selected = index == cursor.selected
            let base: StyleRole = selected ? .selected : (connection.closedReason == nil ? .normal : .muted)
            let y = list.y + row
            if selected { buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .selected) }
            var cells = [Span("\(connection.id)", base)]
            if wide { cells.append(Span(Formatting.clock(connection.openedAt, in: state.timeZone), selected ? base : .muted)) }
            cells += [
                Span(connection.peer, base),
                Span(connection.proxied ? "yes" : "no", base),
                Span(connection.route, base),
                Span(connection.tlsVersion ?? "-", base),
                Span(connection.certificateCommonName ?? "-", base),
                Span("\(connection.requests)", base),
            ]
            table.drawRow(cells, into: &buffer, y: y, ellipsis: ellipsis)
            if let stripColumn = table.columns.last {
                drawStrip(connection, state: state, into: &buffer, x: stripColumn.x, y: y, width: min(stripColumn.width, buffer.width - stripColumn.x), selected: selected)
            }
        }
    }

    /// `✓✗✗✗ closed`: one mark per request, coloured by class; `…` when more requests than room.
    static func drawStrip(_ connection: ConnectionSummary, state: ConsoleState, into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, selected: Bool) {
        let glyphs = state.glyphs
        let marks = connection.outcomes
        let more = connection.requests > marks.count
        let suffix = connection.closedReason == nil ? "" : " closed"
        let room = max(0, width - CharacterWidth.columns(of: suffix))
        let fits = marks.count <= room && !more
        let shown = fits ? marks.count : max(0, room - CharacterWidth.columns(of: glyphs.ellipsis))
        var column = 0
        for mark in marks.prefix(shown) {
            column += buffer.write(Formatting.glyph(for: mark, glyphs), x: x + column, y: y, maxWidth: width - column, role: selected ? .selected : Formatting.role(for: mark), overflow: .clip)
        }
        if !fits {
            column += buffer.write(glyphs.ellipsis, x: x + column, y: y, maxWidth: width - column, role: selected ? .selected : .muted, overflow: .clip)
        }
        if !suffix.isEmpty {
            buffer.write(suffix, x: x + column, y: y, maxWidth: width - column, role: selected ? .selected : .muted, overflow: .clip)
        }
    }
}
