/// The mapping editor form, drawn as a box over the Mappings screen: one line per field (the
/// focused one highlighted, with a cursor), its hint, and the error of the last attempt.
enum MappingFormView {
    static func render(_ form: MappingForm, state: ConsoleState, into buffer: inout ScreenBuffer) {
        let area = Rect(x: 0, y: 1, width: state.width, height: state.height - 3)
        let height = min(area.height, form.fields.count + 6)
        let box = area.centered(width: min(area.width - 4, 78), height: height)
        buffer.fill(box)
        buffer.box(box, glyphs: state.glyphs, title: form.title)
        let inner = box.inset(by: 1)
        let labelWidth = (form.fields.map(\.label.count).max() ?? 0) + 2
        for (index, field) in form.fields.enumerated() where index < inner.height - 3 {
            let y = inner.y + index
            let focused = index == form.focus
            let role: StyleRole = focused ? .selected : .normal
            if focused { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), role: .selected) }
            buffer.write(" " + field.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0), x: inner.x, y: y, role: focused ? .selected : .key)
            buffer.write(field.text + (focused ? "_" : ""), x: inner.x + labelWidth + 1, y: y, maxWidth: inner.width - labelWidth - 2, role: role, overflow: .ellipsis(state.glyphs.ellipsis))
        }
        let hintY = inner.maxY - 3
        buffer.write(" " + form.fields[form.focus].hint, x: inner.x, y: hintY, maxWidth: inner.width - 1, role: .muted, overflow: .ellipsis(state.glyphs.ellipsis))
        if let error = form.error {
            buffer.write(" \(state.glyphs.denied) \(error)", x: inner.x, y: hintY + 1, maxWidth: inner.width - 1, role: .error, overflow: .ellipsis(state.glyphs.ellipsis))
        }
        buffer.write(" tab/↓ next field  shift-tab/↑ previous  enter apply  esc cancel", x: inner.x, y: inner.maxY - 1, maxWidth: inner.width - 1, role: .muted, overflow: .ellipsis(state.glyphs.ellipsis))
    }
}
