import Foundation

/// Row 0: the product name, the screens with their keys (the current one highlighted) and the
/// help hint.
enum TitleBarView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        let y = 0
        buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .title)
        let help = " ? help "
        let limit = buffer.width - CharacterWidth.columns(of: help)
        var x = buffer.write(" certmap ", x: 0, y: y, maxWidth: limit, role: .title, overflow: .clip)
        for screen in Screen.allCases where x < limit {
            let active = screen == state.screen
            x += buffer.write(" \(screen.rawValue) \(screen.title) ", x: x, y: y, maxWidth: limit - x, role: active ? .titleActive : .title, overflow: .clip)
        }
        if limit > x { buffer.writeRight(help, rightEdge: buffer.width, y: y, role: .title) }
    }
}

/// Row h-2: req/s, counts per decision class, mode, dropped events, paused, filter, follow.
enum StatusBarView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        let y = buffer.height - 2
        buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .statusBar)
        let counters = state.counters
        var spans: StyledLine = [
            Span(String(format: " %.1f req/s", counters.rate.rate(at: state.now)), .statusBar),
            Span("  2xx \(counters.ok)  401 \(counters.unauthorized)  403 \(counters.forbidden)", .statusBar),
            Span(counters.other > 0 ? "  other \(counters.other)" : "", .statusBar),
            Span(counters.leaked > 0 ? "  LEAKED \(counters.leaked)" : "", .decision403),
            Span("  mode \(state.mode)", .statusBar),
            Span("  dropped \(state.droppedEvents)", state.droppedEvents > 0 ? .warning : .statusBar),
        ]
        if state.trafficPaused { spans.append(Span("  PAUSED", .warning)) }
        if !state.filterText.isEmpty { spans.append(Span("  filter \(state.filterText)", .statusBar)) }
        if state.screen == .live, state.flows.forgotten > 0 {
            spans.append(Span("  newest \(state.flows.rows.count) of \(state.flows.rows.count + state.flows.forgotten) kept", .muted))
        }
        buffer.draw(spans, x: 0, y: y, maxWidth: buffer.width, ellipsis: state.glyphs.ellipsis)
        // The list position goes on the right only where it does not cover anything.
        let used = spans.reduce(0) { $0 + CharacterWidth.columns(of: $1.text) }
        if state.screen == .live, state.detail == nil {
            let follow = state.flowCursor.follow ? " follow " : " "
            let position = state.flows.visibleCount == 0 ? "0/0" : "\(state.flowCursor.selected + 1)/\(state.flows.visibleCount)"
            let right = "\(position)\(follow)"
            if used + 2 + CharacterWidth.columns(of: right) <= buffer.width {
                buffer.writeRight(right, rightEdge: buffer.width, y: y, role: .statusBar)
            }
        }
    }
}

/// Row h-1: a question, the prompt being edited, a message, or the main keys of the context.
enum FooterView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer) {
        let y = buffer.height - 1
        let ellipsis = state.glyphs.ellipsis
        if let confirmation = state.confirmation {
            buffer.draw([Span(" " + confirmation.text, .prompt)], x: 0, y: y, maxWidth: buffer.width, ellipsis: ellipsis)
        } else if let conflict = state.saveConflict {
            buffer.draw([Span(" " + conflict.text, .warning)], x: 0, y: y, maxWidth: buffer.width, ellipsis: ellipsis)
        } else if let prompt = state.prompt {
            var spans: StyledLine = [Span(" \(prompt.purpose.label): ", .prompt), Span(prompt.text + "_", .normal)]
            if let error = prompt.error {
                spans.append(Span("  \(state.glyphs.denied) \(error)", .error))
            }
            buffer.draw(spans, x: 0, y: y, maxWidth: buffer.width, ellipsis: ellipsis)
        } else if let message = state.message {
            let role: StyleRole = message.severity == .error ? .error : message.severity == .warning ? .warning : .normal
            buffer.draw([Span(" " + message.text, role)], x: 0, y: y, maxWidth: buffer.width, ellipsis: ellipsis)
        } else {
            buffer.draw(hints(state), x: 0, y: y, maxWidth: buffer.width, ellipsis: ellipsis)
        }
    }

    /// The few most useful keys of the context, spelled from the keymap.
    static func hints(_ state: ConsoleState) -> StyledLine {
        let commands: [(ConsoleCommand, String)]
        switch state.keyContext {
        case .flowList:
            commands = [(.openDetail, "detail"), (.filter, "filter"), (.search, "search"), (.switchMode, "mode"), (.togglePause, "pause"), (.toggleHelp, "help"), (.back, "quit")]
        case .detail:
            commands = [(.nextTab, "next tab"), (.moveDown, "scroll"), (.diagnose, "diagnosis"), (.toggleHelp, "help"), (.back, "back")]
        case .connections:
            commands = [(.filterConnection, "its requests"), (.moveDown, "down"), (.moveUp, "up"), (.toggleHelp, "help"), (.back, "back")]
        case .sessions where state.runningReplay != nil:
            commands = [(.stepReplay, "step"), (.toggleReplayPause, state.runningReplay?.playback.state == .paused ? "continue" : "pause"), (.replaySpeed, "speed"), (.stopReplay, "stop"), (.toggleHelp, "help")]
        case .sessions:
            commands = [(.replay, "replay"), (.stepReplay, "step"), (.newSession, "save Live"), (.deleteSession, "delete"), (.moveDown, "down"), (.toggleHelp, "help"), (.back, "back")]
        case .mappings:
            commands = [(.edit, "edit"), (.addMapping, "add"), (.deleteMapping, "delete"), (.undo, "undo"), (.dryRun, "dry run"), (.save, "save"), (.toggleHelp, "help"), (.back, "back")]
        default:
            commands = [(.moveDown, "down"), (.moveUp, "up"), (.toggleHelp, "help"), (.back, "back")]
        }
        var spans: StyledLine = [Span(" ")]
        for (command, label) in commands {
            let context = state.keyContext
            guard let binding = state.keymap.bindings.first(where: { $0.command == command && $0.context == context })
                ?? state.keymap.bindings.first(where: { $0.command == command && $0.context == .global })
            else { continue }
            spans.append(Span(binding.keys[0].label, .key))
            spans.append(Span(" \(label)  ", .muted))
        }
        return spans
    }
}
