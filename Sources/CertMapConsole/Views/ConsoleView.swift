/// The root view: the whole screen as a function of the state.
public enum ConsoleView {
    /// Renders `state` into a fresh buffer of the state's size.
    public static func render(_ state: ConsoleState) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        render(state, into: &buffer)
        return buffer
    }

    /// Renders `state` into `buffer` (which should have the state's size), replacing everything.
    public static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        buffer.fill(buffer.area)
        if ScreenLayout.isTooSmall(width: buffer.width, height: buffer.height) {
            TooSmallView.render(state, into: &buffer)
            return
        }
        TitleBarView.render(state, into: &buffer)
        let content = Rect(x: 0, y: 1, width: buffer.width, height: buffer.height - 3)
        if state.detail != nil {
            RequestDetailView.render(state, into: &buffer, in: content)
        } else {
            switch state.screen {
            case .live: LiveView.render(state, into: &buffer, in: content)
            case .connections: ConnectionsView.render(state, into: &buffer, in: content)
            case .mappings: MappingsView.render(state, into: &buffer, in: content)
            case .sessions: SessionsView.render(state, into: &buffer, in: content)
            case .events: EventsView.render(state, into: &buffer, in: content)
            }
        }
        StatusBarView.render(state, into: &buffer)
        FooterView.render(state, into: &buffer)
        if state.isHelpVisible {
            HelpOverlayView.render(state, into: &buffer)
        }
        if state.modeChooser != nil {
            ModeChooserView.render(state, into: &buffer)
        }
    }
}

/// Below the minimum size: what is wrong and what is needed, centred, instead of a mangled screen.
enum TooSmallView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        var lines = [
            "Terminal too small",
            "\(buffer.width)x\(buffer.height), certmap needs at least \(ScreenLayout.minimumWidth)x\(ScreenLayout.minimumHeight)",
            "Enlarge the window; Q quits",
        ]
        if let confirmation = state.confirmation { lines.append(confirmation.text) }
        let top = max(0, (buffer.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < buffer.height {
            buffer.writeCentered(line, in: buffer.area, y: top + offset, role: offset == 0 ? .warning : .normal, ellipsis: state.glyphs.ellipsis)
        }
    }
}

/// Draws a centred paragraph block for empty states: a title and wrapped sentences.
enum EmptyStateView {
    static func render(title: String, paragraphs: [String], into buffer: inout ScreenBuffer, in area: Rect, glyphs: GlyphSet) {
        let width = min(area.width - 4, 72)
        var lines: StyledLine = []
        var rows: [Span] = [Span(title, .header), Span("")]
        for paragraph in paragraphs {
            rows += TextWrap.wrap(paragraph, width: width).map { Span($0, .normal) }
            rows.append(Span(""))
        }
        rows.removeLast()
        lines = rows
        let top = area.y + max(0, (area.height - lines.count) / 2)
        let x = area.x + max(0, (area.width - width) / 2)
        for (offset, span) in lines.enumerated() where top + offset < area.maxY {
            buffer.write(span.text, x: x, y: top + offset, maxWidth: width, role: span.role, overflow: .ellipsis(glyphs.ellipsis))
        }
    }
}
