import CertMapJournal

/// What the Sessions screen's commands (and `r` on a request) do: pure state changes and
/// requests for the host, which owns the files and the replay.
enum SessionKeys {
    static func run(_ command: ConsoleCommand, in state: inout ConsoleState) -> [ConsoleRequest] {
        switch command {
        case .replay:
            if let replay = state.runningReplay {
                state.show("\(replay.title) is still replaying; x on Sessions stops it", severity: .warning)
                return []
            }
            if state.screen == .sessions && state.detail == nil {
                return start(paused: false, in: &state)
            }
            guard let flow = state.detailFlow ?? (state.screen == .live ? state.selectedFlow : nil) else {
                state.show("no request selected", severity: .warning)
                return []
            }
            state.show("replaying \(flow.record.traceID)…")
            return [.replayRequest(traceID: flow.record.traceID)]
        case .stepReplay:
            guard state.runningReplay != nil else {
                guard state.screen == .sessions && state.detail == nil else { return [] }
                return start(paused: true, in: &state)
            }
            return [.controlReplay(.step)]
        case .replaySpeed:
            guard state.runningReplay != nil else {
                state.replaySpeed = state.replaySpeed.next
                state.show("the next replay goes at \(state.replaySpeed)")
                return []
            }
            return [.controlReplay(.nextSpeed)]
        case .toggleReplayPause, .continueReplay, .stopReplay:
            guard state.runningReplay != nil else {
                state.show("no replay is running; enter replays the selected session, . steps through it", severity: .warning)
                return []
            }
            let instruction: ReplayInstruction = command == .toggleReplayPause ? .togglePause : command == .continueReplay ? .resume : .stop
            return [.controlReplay(instruction)]
        case .newSession:
            state.prompt = Prompt(purpose: .sessionName)
        case .deleteSession:
            guard let session = selected(state) else { return [] }
            state.confirmation = Confirmation(question: "Delete the session \"\(session.name)\"?", action: .deleteSession(session.name))
        default:
            break
        }
        return []
    }

    /// Replays the selected session, running or paused before its first request.
    private static func start(paused: Bool, in state: inout ConsoleState) -> [ConsoleRequest] {
        guard let session = selected(state) else {
            state.show("no saved session to replay; n saves the Live requests as one", severity: .warning)
            return []
        }
        state.show("replaying session \(session.name)…")
        return [.replaySession(session.name, paused: paused, speed: state.replaySpeed)]
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
