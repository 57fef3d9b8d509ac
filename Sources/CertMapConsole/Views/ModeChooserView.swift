/// The mode chooser (`m`): each mode with what it does, the current one marked, the selected one
/// highlighted, in a box over the screen.
enum ModeChooserView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        guard let chooser = state.modeChooser else { return }
        let area = Rect(x: 0, y: 1, width: state.width, height: state.height - 3)
        let box = area.centered(width: min(area.width - 4, 84), height: min(area.height, chooser.modes.count + 3))
        buffer.fill(box)
        buffer.box(box, glyphs: state.glyphs, title: "Authentication persistence (now \(chooser.current))")
        let inner = box.inset(by: 1)
        for (index, mode) in chooser.modes.enumerated() where index < inner.height {
            let marker = mode == chooser.current ? "*" : " "
            let role: StyleRole = index == chooser.selected ? .selected : (mode == "per-connection" ? .warning : .normal)
            let name = mode.padding(toLength: 15, withPad: " ", startingAt: 0)
            let line = [Span(" \(index + 1) \(marker) ", index == chooser.selected ? .selected : .key), Span("\(name) \(ModeChooser.summary(of: mode))", role)]
            buffer.draw(line, x: inner.x, y: inner.y + index, maxWidth: inner.width, ellipsis: state.glyphs.ellipsis)
        }
        buffer.writeRight(" 1-\(chooser.modes.count) or Enter switches  Esc keeps \(chooser.current) ", rightEdge: box.maxX - 2, y: box.maxY - 1, role: .muted)
    }
}
