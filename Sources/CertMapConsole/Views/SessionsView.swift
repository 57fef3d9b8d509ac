/// Screen 4: the saved sessions, and the last replay as a `was → now` table (changes first in
/// colour), so "every 401.2 became 200 alice" is read at a glance.
enum SessionsView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        buffer.fill(Rect(x: 0, y: area.y, width: buffer.width, height: 1), role: .header)
        buffer.write(" Sessions (n save Live as a session, enter replay, . step, d delete)", x: 0, y: area.y, role: .header, overflow: .ellipsis(state.glyphs.ellipsis))
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let sessions = state.sessions ?? []
        if sessions.isEmpty && state.replay == nil {
            EmptyStateView.render(
                title: state.sessions == nil ? "Loading sessions…" : "No saved sessions",
                paragraphs: [
                    "A session is a set of recorded requests with the route and connection grouping they had. Replaying one re-decides it with today's mappings and mode and lists each decision that changes (was \(state.glyphs.arrow) now): the proof that a fix works.",
                    "Press n to save the requests on Live (narrowed by its filter, f) as a session, or r on a request to replay it with its connection. From the shell: certmap sessions save NAME --identity alice.",
                ], into: &buffer, in: body, glyphs: state.glyphs)
            return
        }
        var lines: [(StyledLine, Bool)] = []
        lines.append(([Span(pad("NAME", 24), .header), Span(pad("REQUESTS", 10), .header), Span(pad("CONNS", 7), .header), Span("DECISIONS", .header)], false))
        for (index, session) in sessions.enumerated() {
            let selected = index == min(state.sessionCursor.selected, sessions.count - 1)
            let row: StyledLine = session.unreadable
                ? [Span(pad(session.name, 24)), Span("unreadable (not a certmap HAR file)", .error)]
                : [Span(pad(session.name, 24)), Span(pad("\(session.requests)", 10)), Span(pad("\(session.connections)", 7)), Span(session.decisions.joined(separator: " "), .muted)]
            lines.append((row, selected))
        }
        if let replay = state.replay {
            lines.append(([], false))
            var replayLines = replayLines(replay, glyphs: state.glyphs)
            // While the table outgrows the screen, its newest rows stay in view (the header and
            // summary above them too); the session list gives way first.
            let room = body.height - lines.count
            if replayLines.count > room {
                let fixed = replayLines.count - replay.outcomes.count
                let keptRows = max(0, body.height - fixed)
                replayLines = Array(replayLines.prefix(fixed)) + Array(replayLines.suffix(keptRows))
                lines = Array(lines.suffix(max(0, body.height - replayLines.count)))
            }
            lines += replayLines.map { ($0, false) }
        }
        for (row, (line, selected)) in lines.prefix(body.height).enumerated() {
            let y = body.y + row
            if selected {
                buffer.fill(Rect(x: body.x, y: y, width: body.width, height: 1), role: .selected)
                buffer.draw(line.map { Span($0.text, .selected) }, x: body.x + 1, y: y, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
            } else {
                buffer.draw(line, x: body.x + 1, y: y, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
            }
        }
    }

    private static func replayLines(_ replay: SessionReplay, glyphs: GlyphSet) -> [StyledLine] {
        let report = replay.report
        var lines: [StyledLine] = [[
            Span("Replay of \(replay.title)", .header),
            Span("  under \(report.mode), configuration generation \(report.generation): \(report.changedOfCompared) changed", .muted),
        ]]
        let playback = replay.playback
        var status: StyledLine = [Span("  \(playback.line)", playback.state == .stopped ? .warning : playback.isActive ? .key : .muted)]
        if playback.isActive {
            status.append(Span("   . step  space \(playback.state == .paused ? "continue" : "pause")  > speed  x stop", .muted))
        }
        lines.append(status)
        for (diff, count) in report.transitions.prefix(4) {
            lines.append([Span("  \(count)× ", .muted), Span(diff, .key)])
        }
        lines.append([Span(pad("CONN", 6) + pad("REQ", 5) + pad("IDENTITY", 12) + pad("METHOD", 7) + pad("PATH", 28) + "WAS \(glyphs.arrow) NOW", .header)])
        for outcome in report.outcomes {
            let (was, now) = (outcome.wasSummary, outcome.nowSummary)
            lines.append([
                Span(pad("\(outcome.connection)", 6) + pad("\(outcome.request)", 5), .muted),
                Span(pad(outcome.identity ?? "-", 12)), Span(pad(outcome.method, 7)), Span(pad(outcome.path, 28)),
                Span(was, .muted), Span(" \(glyphs.arrow) ", .muted),
                Span(now, !outcome.changed ? .muted : outcome.now.hasPrefix("2") ? .decisionOK : .decision403),
                Span(outcome.certificateMissing ? "  (certificate no longer recorded)" : "", .warning),
            ])
        }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
