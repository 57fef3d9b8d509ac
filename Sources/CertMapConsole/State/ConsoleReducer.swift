import CertMapCore
import CertMapJournal
import Foundation

/// `State + Action → State` (plus the requests for the host), the only place state changes.
public enum ConsoleReducer {
    /// The new state after `action`, and what the host must do.
    public static func reduce(_ state: ConsoleState, _ action: ConsoleAction) -> (state: ConsoleState, requests: [ConsoleRequest]) {
        var state = state
        let requests = apply(action, to: &state)
        return (state, requests)
    }

    /// Applies `action` in place; returns what the host must do.
    @discardableResult
    public static func apply(_ action: ConsoleAction, to state: inout ConsoleState) -> [ConsoleRequest] {
        switch action {
        case .event(let event):
            receive(event, into: &state)
        case .key(let key):
            return KeyHandling.handle(key, in: &state)
        case .resize(let width, let height):
            state.width = max(0, width)
            state.height = max(0, height)
            state.flowCursor.update(count: state.flows.visibleCount, page: state.pageHeight)
            state.connectionCursor.update(count: state.connections.count, page: state.pageHeight)
            state.eventCursor.update(count: state.events.visible.count, page: state.pageHeight)
        case .tick(let now):
            state.now = now
            if let message = state.message, message.expires <= now {
                state.message = nil
            }
        case .configurationLoaded(let document):
            state.configuration = document
            if state.draft == nil {
                state.draft = MappingDraft(base: document)
            } else {
                state.draft?.rebase(on: document)
            }
            state.mappingCursor.update(count: state.draft?.entries.count ?? 0, page: state.pageHeight)
        case .dryRunFinished(let dryRun):
            state.dryRun = dryRun
            state.show("dry run: \(dryRun.changes.count) of \(dryRun.examined) recent requests would change")
        case .sessionsListed(let sessions):
            state.sessions = sessions
            state.sessionCursor.update(count: sessions.count, page: state.pageHeight)
        case .replayStarted(let replay):
            state.replay = replay
            state.screen = .sessions
            state.detail = nil
            state.show(replay.playback.state == .paused ? "replay of \(replay.title) paused before its first request: . steps, space continues" : "replaying \(replay.title)…")
        case .replayAnswered(let outcome):
            state.replay?.append(outcome)
        case .replayPlayback(let playback):
            state.replay?.playback = playback
        case .replayFinished(let replay):
            state.replay = replay
            state.screen = .sessions
            state.detail = nil
            let stopped = replay.playback.state == .stopped ? "stopped after \(replay.outcomes.count) of \(replay.playback.total); " : ""
            state.show("replay: \(stopped)\(replay.report.changedOfCompared) decisions would change")
        case .notice(let text):
            state.show(text)
        case .saveConflict(let conflict):
            state.saveConflict = conflict
        case .mappingsSaved(let generation):
            state.dryRun = nil
            state.show("mappings saved and applied live as configuration generation \(generation)")
        case .modeChanged(let mode):
            state.mode = mode
            if !state.modes.contains(mode) { state.modes.append(mode) }
            state.show("authentication mode is now \(mode)")
        case .instancesAttached(let names):
            state.instances = names
        case .trafficPauseChanged(let paused):
            state.trafficPaused = paused
            state.show(paused ? "demo traffic paused (p resumes)" : "demo traffic resumed")
        case .droppedEvents(let count):
            state.droppedEvents = count
        case .requestFailed(let reason):
            state.show(reason, severity: .error)
        }
        return []
    }

    private static func receive(_ event: CertMapEvent, into state: inout ConsoleState) {
        let page = state.pageHeight
        switch event.kind {
        case .connectionOpened(let opened):
            let forgotten = state.connections.open(opened, at: event.time)
            state.connectionCursor.update(count: state.connections.count, page: page, removedBefore: forgotten)
        case .connectionClosed(let closed):
            state.connections.close(closed)
        case .authStep, .certificate:
            // Steps arrive again, complete, in the request's decision trace; the detail view reads
            // that. Certificate records are for the journal and replay.
            break
        case .request(let record):
            state.counters.record(record, at: event.time)
            let forgottenConnections = state.connections.record(record, at: event.time)
            state.connectionCursor.update(count: state.connections.count, page: page, removedBefore: forgottenConnections)
            let forgottenFlows = state.flows.append(FlowRow(time: event.time, record: record))
            state.flowCursor.update(count: state.flows.visibleCount, page: page, removedBefore: forgottenFlows)
        case .security(let security):
            appendEvent(
                EventLine(time: event.time, kind: .security(security.category), connection: security.connection, peer: security.peer, message: security.message),
                to: &state)
        case .system(let system):
            appendEvent(EventLine(time: event.time, kind: .system, connection: nil, peer: nil, message: system.message), to: &state)
        case .proxyHop(let hop):
            // Forwarded requests show up as requests on Live; tunnels and refusals are events.
            guard hop.action != .forwarded else { break }
            appendEvent(EventLine(time: event.time, kind: .proxy, connection: nil, peer: hop.clientPeer, message: EventText.proxyHopSummary(hop)), to: &state)
        }
    }

    private static func appendEvent(_ line: EventLine, to state: inout ConsoleState) {
        let forgotten = state.events.append(line)
        state.eventCursor.update(count: state.events.visible.count, page: state.pageHeight, removedBefore: forgotten.visible)
    }
}

extension ConsoleState {
    /// Shows a message in the bottom line until `messageDuration` has passed.
    mutating func show(_ text: String, severity: StatusMessage.Severity = .info) {
        message = StatusMessage(text: text, severity: severity, expires: now.addingTimeInterval(messageDuration))
    }
}
