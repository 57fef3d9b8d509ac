import CertMapJournal
/// Screen 1: every request as it is decided, newest at the bottom (mitmproxy's flow list).
enum LiveView {
    /// - Parameter instances: show the instance column (attached to several servers).
    static func columns(width: Int, instances: Bool = false) -> TableColumns {
        let wide = width >= 110
        return TableColumns(
            [.fixed("TIME", 8)] + (instances ? [.fixed("INST", 8)] : []) + [
                .fixed("CONN", 4, right: true), .fixed("REQ", 3, right: true),
                .fixed("ROUTE", wide ? 12 : 8), .fixed("IDENTITY", wide ? 16 : 10), .fixed("METHOD", 6),
                .flexible("PATH", minimum: 8), .fixed("DECISION", 8), .fixed("ACCOUNT", wide ? 12 : 8),
            ], width: width - 2)
    }

    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        let instances = state.instances.count > 1
        let table = columns(width: area.width, instances: instances)
        let ellipsis = state.glyphs.ellipsis
        table.drawHeader(into: &buffer, y: area.y, ellipsis: ellipsis)
        let list = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard state.flows.visibleCount > 0 else {
            renderEmpty(state, into: &buffer, in: list)
            return
        }
        let cursor = state.flowCursor
        let top = min(cursor.top, max(0, state.flows.visibleCount - list.height))
        for row in 0..<list.height {
            let index = top + row
            guard index < state.flows.visibleCount else { break }
            let flow = state.flows.visibleRow(index)
            let record = flow.record
            let selected = index == cursor.selected
            let base: StyleRole = selected ? .selected : .normal
            let y = list.y + row
            if selected { buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .selected) }
            let time = Span(Formatting.clock(flow.time, in: state.timeZone), selected ? base : .muted)
            table.drawRow(
                [time] + (instances ? [Span(record.run ?? "-", base)] : []) + [
                    Span("\(record.connection)", base),
                    Span("\(record.request)", base),
                    Span(record.route, base),
                    Span(record.certificate?.commonName ?? "-", base),
                    Span(record.method, base),
                    Span(record.path, base),
                    decisionSpan(record, selected: selected, base: base, glyphs: state.glyphs),
                    accountSpan(record, selected: selected, base: base, glyphs: state.glyphs),
                ], into: &buffer, y: y, ellipsis: ellipsis)
        }
    }

    /// The decision, and in gateway mode what the application answered (`200→503`, `200→✗` (the glyph set's) when
    /// it gave no answer), coloured by what the client finally got.
    private static func decisionSpan(_ record: RequestRecord, selected: Bool, base: StyleRole, glyphs: GlyphSet) -> Span {
        guard let upstream = record.upstream else {
            return Span(record.decision.statusText, selected ? base : Formatting.role(forStatus: record.decision.status))
        }
        let answer = upstream.status.map(String.init) ?? glyphs.denied
        return Span("\(record.decision.statusText)\(glyphs.arrow)\(answer)", selected ? base : Formatting.role(forStatus: upstream.status ?? 502))
    }

    /// The account, and for an answer under someone else's identity a mark in the warning
    /// colour (`alice ✗ not bob's`): a 200 that is wrong must not look like one that is right.
    private static func accountSpan(_ record: RequestRecord, selected: Bool, base: StyleRole, glyphs: GlyphSet) -> Span {
        guard let account = record.decision.account else { return Span("-", selected ? base : .muted) }
        guard record.decision.facts?.misattribution != nil else { return Span(account, selected ? base : .normal) }
        return Span("\(account) \(glyphs.denied) misattributed", selected ? base : .decision403)
    }

    private static func renderEmpty(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        if state.flows.rows.isEmpty {
            EmptyStateView.render(
                title: "No requests yet",
                paragraphs: [
                    "Requests appear here as the server decides them: who presented which certificate, over which route, and the decision.",
                    "p pauses or resumes the demo traffic, m switches the authentication mode, ? lists every key.",
                ], into: &buffer, in: area, glyphs: state.glyphs)
        } else {
            EmptyStateView.render(
                title: "No request matches the filter",
                paragraphs: [
                    "Filter: \(state.filterText)  (\(state.flows.rows.count) requests in memory)",
                    "f edits the filter; an empty filter shows every request.",
                ], into: &buffer, in: area, glyphs: state.glyphs)
        }
    }
}
