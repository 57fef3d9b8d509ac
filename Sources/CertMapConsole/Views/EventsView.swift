/// Screen 5: security events (spoofed forwarding headers, limits, TLS failures) and system
/// events (mode switches, configuration applied, drops).
enum EventsView {
    static func columns(width: Int) -> TableColumns {
        let wide = width >= 110
        return TableColumns(
            [
                .fixed("TIME", 8), .fixed("KIND", wide ? 24 : 16), .fixed("CONN", 4, right: true),
                .fixed("PEER", wide ? 21 : 15), .flexible("MESSAGE", minimum: 10),
            ], width: width - 2)
    }

    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        let table = columns(width: area.width)
        let ellipsis = state.glyphs.ellipsis
        if state.isEventDetailOpen, let event = state.selectedEvent {
            renderDetail(event, state: state, into: &buffer, in: area)
            return
        }
        table.drawHeader(into: &buffer, y: area.y, ellipsis: ellipsis)
        let list = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let lines = state.events.visible
        if lines.isEmpty && !state.events.lines.isEmpty {
            EmptyStateView.render(
                title: "No event matches the filter",
                paragraphs: ["Filter: \(state.events.filterWords.joined(separator: " "))  (\(state.events.lines.count) events in memory)", "f edits the filter; an empty filter shows every event."],
                into: &buffer, in: list, glyphs: state.glyphs)
            return
        }
        guard !lines.isEmpty else {
            EmptyStateView.render(
                title: "No events yet",
                paragraphs: ["Security events (forwarded-certificate headers from untrusted peers, malformed input, limits, TLS failures) and system events (mode switches, configuration changes) appear here."],
                into: &buffer, in: list, glyphs: state.glyphs)
            return
        }
        let cursor = state.eventCursor
        let top = min(cursor.top, max(0, lines.count - list.height))
        for row in 0..<list.height {
            let index = top + row
            guard index < lines.count else { break }
            let line = lines[index]
            let selected = index == cursor.selected
            let y = list.y + row
            if selected { buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .selected) }
            let kindRole: StyleRole
            if case .security = line.kind { kindRole = .warning } else { kindRole = .muted }
            table.drawRow(
                [
                    Span(Formatting.clock(line.time, in: state.timeZone), selected ? .selected : .muted),
                    Span(line.label, selected ? .selected : kindRole),
                    Span(line.connection.map { "\($0)" } ?? "-", selected ? .selected : .normal),
                    Span(line.peer ?? "-", selected ? .selected : .normal),
                    Span(line.message, selected ? .selected : .normal),
                ], into: &buffer, y: y, ellipsis: ellipsis)
        }
    }

    /// One event whole: its fields and the full message wrapped to the width (the list cuts it).
    private static func renderDetail(_ event: EventLine, state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        let width = max(10, area.width - 2)
        var lines: [StyledLine] = [
            [Span(event.label, .header), Span("  \(Formatting.timestamp(event.time, in: state.timeZone))", .muted)],
            [],
            [Span("Connection".padding(toLength: 12, withPad: " ", startingAt: 0), .muted), Span(event.connection.map { "\($0)" } ?? "-")],
            [Span("Peer".padding(toLength: 12, withPad: " ", startingAt: 0), .muted), Span(event.peer ?? "-")],
            [],
        ]
        lines += TextWrap.wrap(event.message, width: width).map { [Span($0)] }
        lines += [[], [Span("q back · j/k previous/next event · f filter", .muted)]]
        for (row, line) in lines.prefix(area.height).enumerated() {
            buffer.draw(line, x: area.x + 1, y: area.y + row, maxWidth: width, ellipsis: state.glyphs.ellipsis)
        }
    }
}
