/// `?`: every binding of the current context and the global ones, generated from the keymap.
enum HelpOverlayView {
    static func lines(_ state: ConsoleState) -> [StyledLine] {
        var lines: [StyledLine] = []
        // Help text wraps under itself rather than being cut off on a small terminal.
        let textWidth = max(12, min(state.width - 4, 76) - 2 - 2 - 14)
        let entry = { (label: String, help: String) -> [StyledLine] in
            TextWrap.wrap(help, width: textWidth).enumerated().map { index, text in
                [Span(index == 0 ? "  " + label.padding(toLength: 12, withPad: " ", startingAt: 0) : String(repeating: " ", count: 14), .key), Span(text)]
            }
        }
        for (context, bindings) in state.keymap.helpSections(for: state.keyContext) where !bindings.isEmpty {
            if !lines.isEmpty { lines.append([]) }
            lines.append([Span(context.title, .header)])
            for binding in bindings {
                lines += entry(binding.label, binding.help)
            }
        }
        if state.keyContext == .flowList {
            lines.append([])
            lines.append([Span("Filter language", .header)])
            for (name, help) in FilterParser.operators {
                lines += entry(name, help.components(separatedBy: ": ").first ?? help)
            }
            lines += entry("! & | ( )", "not, and, or, grouping; a bare word matches any field")
        }
        return lines
    }

    private static func box(_ state: ConsoleState, lineCount: Int) -> Rect {
        let area = Rect(x: 0, y: 1, width: state.width, height: state.height - 3)
        return area.centered(width: min(area.width - 4, 76), height: min(area.height, lineCount + 2))
    }

    /// How far the overlay can scroll at the current size.
    static func maximumScroll(_ state: ConsoleState) -> Int {
        let count = lines(state).count
        return max(0, count - box(state, lineCount: count).inset(by: 1).height)
    }

    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        let lines = self.lines(state)
        let box = self.box(state, lineCount: lines.count)
        buffer.fill(box)
        buffer.box(box, glyphs: state.glyphs, title: "Help: \(state.keyContext.title)")
        let inner = box.inset(by: 1)
        let scroll = min(state.helpScroll, max(0, lines.count - inner.height))
        for (row, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            buffer.draw(line, x: inner.x + 1, y: inner.y + row, maxWidth: inner.width - 2, ellipsis: state.glyphs.ellipsis)
        }
        let footer = lines.count > inner.height ? " j/k scroll  ? or q closes " : " ? or q closes "
        buffer.writeRight(footer, rightEdge: box.maxX - 2, y: box.maxY - 1, role: .muted)
    }
}
