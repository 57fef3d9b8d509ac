import CertMapJournal

/// What the Sessions screen's commands (and `r` on a request) do: pure state changes and
/// requests for the host, which owns the files and the replay.
enum SessionKeys {
    static func run(_ command: ConsoleCommand, in state: inout ConsoleState) -> [ConsoleRequest] {
        switch command {
        case .replay:
            if state.screen == .sessions && state.detail == nil {
                guard let session = selected(state) else {
                    state.show("no saved session to replay; n saves the Live requests as one", severity: .warning)
                    return []
                }
                state.show("replaying session \(session.name)…")
                return [.replaySession(session.name)]
            }
            guard let flow = state.detailFlow ?? (state.screen == .live ? state.selectedFlow : nil) else {
                state.show("no request selected", severity: .warning)
                return []
            }
            state.show("replaying \(flow.record.traceID)…")
            return [.replayRequest(traceID: flow.record.traceID)]
        case .newSession:
            state.prompt = Prompt(purpose: .sessionName)
        case .deleteSession:
            guard let session = selected(state) else { return [] }
            state.confirmation = Confirmation(question: "Delete the session \"\(session.name)\"? (y/n)", action: .deleteSession(session.name))
        default:
            break
        }
        return []
    }

    /// The name typed at the `n` prompt: checked here, saved by the host.
    static func submitName(_ name: String, in state: inout ConsoleState) -> [ConsoleRequest] {
        do {
            try SessionStore.validate(name: name)
        } catch {
            state.prompt?.error = error.description
            return []
        }
        state.prompt = nil
        state.show("saving session \(name)…")
        return [.saveSession(name: name, filter: state.filterText)]
    }

    static func selected(_ state: ConsoleState) -> SessionSummary? {
        guard let sessions = state.sessions, !sessions.isEmpty else { return nil }
        return sessions[min(state.sessionCursor.selected, sessions.count - 1)]
    }
}
