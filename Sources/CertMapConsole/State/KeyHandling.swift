import Foundation

/// How keys change the state: the confirmation and the prompt take keys first, then the help
/// overlay, then the keymap of the current context.
enum KeyHandling {
    static func handle(_ key: Key, in state: inout ConsoleState) -> [ConsoleRequest] {
        if let confirmation = state.confirmation {
            return answer(confirmation, with: key, in: &state)
        }
        if let conflict = state.saveConflict {
            return MappingEditorKeys.resolve(conflict, with: key, in: &state)
        }
        if var chooser = state.modeChooser {
            return choose(with: key, in: &chooser, state: &state)
        }
        if state.mappingForm != nil {
            MappingEditorKeys.edit(key, in: &state)
            return []
        }
        if state.prompt != nil {
            return edit(with: key, in: &state)
        }
        if state.isHelpVisible {
            switch key {
            case .character("?"), .character("q"), .escape: state.isHelpVisible = false
            case .character("Q"):
                state.isHelpVisible = false
                return run(.quit, in: &state)
            case .character("j"), .down: state.helpScroll = min(state.helpScroll + 1, HelpOverlayView.maximumScroll(state))
            case .character("k"), .up: state.helpScroll = max(0, state.helpScroll - 1)
            default: break
            }
            return []
        }
        guard let command = state.keymap.command(for: key, in: state.keyContext) else { return [] }
        return run(command, in: &state)
    }

    // MARK: - Confirmation and prompt

    private static func answer(_ confirmation: Confirmation, with key: Key, in state: inout ConsoleState) -> [ConsoleRequest] {
        switch key {
        case .character("y"), .character("Y"):
            state.confirmation = nil
            switch confirmation.action {
            case .quit:
                return [.quit]
            case .saveMappings, .deleteMapping, .discardEdits:
                return MappingEditorKeys.confirm(confirmation.action, in: &state)
            case .deleteSession(let name):
                state.show("deleting session \(name)…")
                return [.deleteSession(name)]
            }
        default:
            state.confirmation = nil
            state.show("cancelled")
        }
        return []
    }

    private static func choose(with key: Key, in chooser: inout ModeChooser, state: inout ConsoleState) -> [ConsoleRequest] {
        switch chooser.handle(key) {
        case .open:
            state.modeChooser = chooser
        case .cancelled:
            state.modeChooser = nil
            state.show("mode unchanged (\(state.mode))")
        case .chose(let mode):
            state.modeChooser = nil
            guard mode != state.mode else {
                state.show("already in \(mode)")
                return []
            }
            state.show("switching authentication mode to \(mode)…", severity: mode == "per-connection" ? .warning : .info)
            return [.switchMode(to: mode)]
        }
        return []
    }

    private static func edit(with key: Key, in state: inout ConsoleState) -> [ConsoleRequest] {
        guard var prompt = state.prompt else { return [] }
        switch key {
        case .escape:
            state.prompt = nil
            return []
        case .enter:
            return submit(prompt, in: &state)
        case .backspace, .delete:
            if !prompt.text.isEmpty { prompt.text.removeLast() }
        case .character(let c):
            prompt.text.append(c)
        case .control("u"):
            prompt.text = ""
        default:
            return []
        }
        prompt.error = nil
        state.prompt = prompt
        return []
    }

    private static func submit(_ prompt: Prompt, in state: inout ConsoleState) -> [ConsoleRequest] {
        let text = prompt.text.trimmingCharacters(in: .whitespaces)
        if prompt.purpose == .sessionName {
            return SessionKeys.submitName(text, in: &state)
        }
        if prompt.purpose == .eventFilter {
            state.prompt = nil
            applyEventFilter(text, in: &state)
            return []
        }
        if prompt.purpose == .scenarioName {
            state.prompt = nil
            guard !text.isEmpty else { return [] }
            state.show("starting scenario \(text)… its requests appear on Live")
            return [.startScenario(text)]
        }
        if text.isEmpty {
            state.prompt = nil
            if prompt.purpose == .filter { applyFilter(nil, text: "", in: &state) }
            return []
        }
        let expression: FilterExpression
        do {
            expression = try FilterParser.parse(text)
        } catch {
            state.prompt?.error = error.description
            return []
        }
        state.prompt = nil
        switch prompt.purpose {
        case .filter:
            applyFilter(expression, text: text, in: &state)
        case .search:
            state.search = expression
            state.searchText = text
            findMatch(forward: true, includingCurrent: true, in: &state)
        case .sessionName, .scenarioName, .eventFilter:
            break
        }
        return []
    }

    private static func applyFilter(_ filter: FilterExpression?, text: String, in state: inout ConsoleState) {
        state.filterText = text
        state.flows.setFilter(filter)
        state.flowCursor.follow = true
        state.flowCursor.update(count: state.flows.visibleCount, page: state.pageHeight)
        announceFilter(active: filter != nil, shown: state.flows.visibleCount, of: state.flows.rows.count, "requests", in: &state)
    }

    private static func applyEventFilter(_ text: String, in state: inout ConsoleState) {
        state.events.setFilter(text)
        state.eventCursor.follow = true
        state.eventCursor.update(count: state.events.visible.count, page: state.pageHeight)
        announceFilter(active: !text.isEmpty, shown: state.events.visible.count, of: state.events.lines.count, "events", in: &state)
    }

    /// `filter: 3 of 40 requests match`, or, once cleared, a line replacing that stale count.
    private static func announceFilter(active: Bool, shown: Int, of total: Int, _ noun: String, in state: inout ConsoleState) {
        if active {
            state.show("filter: \(shown) of \(total) \(noun) match")
        } else if state.message?.text.hasPrefix("filter: ") == true {
            state.show("filter cleared: all \(total) \(noun) shown")
        }
    }

    /// Moves the Live selection to the next (or previous) row matching the search.
    private static func findMatch(forward: Bool, includingCurrent: Bool, in state: inout ConsoleState) {
        guard let search = state.search else {
            state.show("no search yet: press / to search")
            return
        }
        let count = state.flows.visibleCount
        guard count > 0 else { return }
        let start = state.flowCursor.selected
        let offsets = includingCurrent ? Array(0..<count) : Array(1...count)
        for offset in offsets {
            let index = ((forward ? start + offset : start - offset) % count + count) % count
            if search.matches(state.flows.visibleRow(index).record) {
                state.flowCursor.select(index, count: count, page: state.pageHeight)
                state.flowCursor.follow = false
                return
            }
        }
        state.show("no request matches \(state.searchText)", severity: .warning)
    }

    // MARK: - Commands

    static func run(_ command: ConsoleCommand, in state: inout ConsoleState) -> [ConsoleRequest] {
        let page = state.pageHeight
        switch command {
        case .showScreen(let screen):
            state.detail = nil
            state.isEventDetailOpen = false
            state.screen = screen
            if screen == .sessions { return [.listSessions] }
        case .toggleHelp:
            state.isHelpVisible.toggle()
            state.helpScroll = 0
        case .back:
            if state.isEventDetailOpen {
                state.isEventDetailOpen = false
            } else if state.detail != nil {
                state.detail = nil
            } else if state.screen == .mappings, let draft = state.draft, draft.isDirty {
                state.confirmation = Confirmation(question: "Discard \(draft.pendingEdits) unsaved mapping edit(s)?", action: .discardEdits)
            } else if state.screen != .live {
                state.screen = .live
            } else if let draft = state.draft, draft.isDirty {
                state.confirmation = Confirmation(question: "Quit and discard \(draft.pendingEdits) unsaved mapping edit(s)?", action: .quit)
            } else {
                state.confirmation = Confirmation(question: "Quit certmap?", action: .quit)
            }
        case .quit:
            if let draft = state.draft, draft.isDirty {
                state.confirmation = Confirmation(question: "Quit and discard \(draft.pendingEdits) unsaved mapping edit(s)?", action: .quit)
                return []
            }
            return [.quit]
        case .nextTab, .previousTab:
            let step = command == .nextTab ? 1 : -1
            if var detail = state.detail {
                let tabs = DetailTab.allCases
                detail.tab = tabs[(detail.tab.rawValue + step + tabs.count) % tabs.count]
                detail.scroll = 0
                state.detail = detail
            } else {
                let screens = Screen.allCases
                state.screen = screens[(state.screen.rawValue - 1 + step + screens.count) % screens.count]
            }
        case .openDetail, .diagnose:
            openDetail(tab: command == .diagnose ? .diagnosis : .request, in: &state)
        case .moveUp, .moveDown, .moveTop, .moveBottom, .pageUp, .pageDown:
            move(command, page: page, in: &state)
        case .toggleFollow:
            state.flowCursor.follow.toggle()
            state.flowCursor.update(count: state.flows.visibleCount, page: page)
            state.show(state.flowCursor.follow ? "following new requests" : "follow off")
        case .filter where state.screen == .events:
            state.prompt = Prompt(purpose: .eventFilter, text: state.events.filterWords.joined(separator: " "))
        case .search, .filter:
            let purpose: Prompt.Purpose = command == .search ? .search : .filter
            state.prompt = Prompt(purpose: purpose, text: purpose == .filter ? state.filterText : state.searchText)
        case .searchNext, .searchPrevious:
            findMatch(forward: command == .searchNext, includingCurrent: false, in: &state)
        case .filterConnection:
            guard state.connections.count > 0 else { break }
            let connection = state.connections.connection(at: min(state.connectionCursor.selected, state.connections.count - 1))
            state.screen = .live
            applyFilter(.connection(connection.id), text: "~conn \(connection.id)", in: &state)
        case .switchMode:
            state.modeChooser = ModeChooser(modes: state.modes, current: state.mode)
        case .togglePause:
            state.show(state.trafficPaused ? "resuming demo traffic…" : "pausing demo traffic…")
            return [.pauseTraffic(!state.trafficPaused)]
        case .replay, .newSession, .deleteSession, .stepReplay, .toggleReplayPause, .continueReplay, .replaySpeed, .stopReplay:
            return SessionKeys.run(command, in: &state)
        case .startScenario:
            state.prompt = Prompt(purpose: .scenarioName, text: "q190009")
        case .edit, .addMapping, .deleteMapping, .toggleMapping, .moveMappingUp, .moveMappingDown, .undo, .redo, .dryRun, .save:
            guard state.screen == .mappings, state.detail == nil else {
                state.show("mappings are edited on screen 3", severity: .warning)
                return []
            }
            return MappingEditorKeys.run(command, in: &state)
        }
        return []
    }

    private static func openDetail(tab: DetailTab, in state: inout ConsoleState) {
        if state.screen == .events && state.detail == nil {
            guard state.selectedEvent != nil else {
                state.show("no event selected", severity: .warning)
                return
            }
            state.isEventDetailOpen = true
            return
        }
        if var detail = state.detail {
            detail.tab = tab
            detail.scroll = 0
            state.detail = detail
            return
        }
        guard state.screen == .live, let flow = state.selectedFlow else {
            state.show("no request selected", severity: .warning)
            return
        }
        state.detail = RequestDetail(traceID: flow.record.traceID, tab: tab)
    }

    private static func move(_ command: ConsoleCommand, page: Int, in state: inout ConsoleState) {
        let delta: Int
        switch command {
        case .moveUp: delta = -1
        case .moveDown: delta = 1
        case .pageUp: delta = -page
        case .pageDown: delta = page
        case .moveTop: delta = Int.min / 2
        default: delta = Int.max / 2
        }
        if var detail = state.detail {
            let maximum = max(0, RequestDetailView.lineCount(state) - (page - 1))
            detail.scroll = min(max(0, detail.scroll + delta), maximum)
            state.detail = detail
            return
        }
        switch state.screen {
        case .live:
            moveCursor(&state.flowCursor, command, delta: delta, count: state.flows.visibleCount, page: page)
        case .connections:
            moveCursor(&state.connectionCursor, command, delta: delta, count: state.connections.count, page: page)
        case .events:
            moveCursor(&state.eventCursor, command, delta: delta, count: state.events.visible.count, page: page)
        case .mappings:
            moveCursor(&state.mappingCursor, command, delta: delta, count: state.draft?.entries.count ?? 0, page: page)
        case .sessions:
            moveCursor(&state.sessionCursor, command, delta: delta, count: state.sessions?.count ?? 0, page: page)
        }
    }

    private static func moveCursor(_ cursor: inout ListCursor, _ command: ConsoleCommand, delta: Int, count: Int, page: Int) {
        switch command {
        case .moveTop: cursor.select(0, count: count, page: page)
        case .moveBottom: cursor.select(count - 1, count: count, page: page)
        default: cursor.move(by: delta, count: count, page: page)
        }
    }
}
