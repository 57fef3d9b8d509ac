import CertMapCore
import CertMapJournal
import Foundation

/// Everything that can change the console's state. The host loop turns the outside world (event
/// subscription, terminal input, a timer, its own answers to requests) into these.
public enum ConsoleAction: Hashable, Sendable {
    /// An event from the bus.
    case event(CertMapEvent)
    case key(Key)
    case resize(width: Int, height: Int)
    /// The clock moved (the host sends this a few times a second): rates, message expiry.
    case tick(Date)
    /// The mappings now in force (after load or after a save applied a new generation).
    case configurationLoaded(ConfigDocument)
    /// The host switched the authentication persistence mode (answer to `.switchMode`).
    case modeChanged(String)
    /// The console is attached to these servers (by name), the first being the one edits go to.
    case instancesAttached([String])
    /// The host paused or resumed the demo traffic (answer to `.pauseTraffic`).
    case trafficPauseChanged(Bool)
    /// The subscription's drop count (`EventSubscription.dropped`).
    case droppedEvents(UInt64)
    /// The host could not carry out a request; shown as an error in the status line.
    case requestFailed(String)
    /// The host re-decided recent requests with the draft (answer to `.dryRunMappings`).
    case dryRunFinished(MappingDryRun)
    /// The host saved the draft and applied it live (answer to `.saveMappings`); a
    /// `.configurationLoaded` with the saved document comes with it.
    case mappingsSaved(generation: UInt64)
    /// The host did not save: the file changed since the draft began (answer to `.saveMappings`).
    case saveConflict(SaveConflict)
    /// The saved sessions (answer to `.listSessions`, and after a save or delete).
    case sessionsListed([SessionSummary])
    /// A replay started (nothing answered yet).
    case replayStarted(SessionReplay)
    /// The running replay answered one more request.
    case replayAnswered(ReplayOutcome)
    /// The running replay was paused, stepped, continued, sped up, or moved on.
    case replayPlayback(ReplayPlayback)
    /// A replay finished or was stopped (answer to `.replaySession` or `.replayRequest`).
    case replayFinished(SessionReplay)
    /// Something the host did that the operator should read (not an error).
    case notice(String)
}

/// What the console asks the host to do: it never touches sockets or files itself.
public enum ConsoleRequest: Hashable, Sendable {
    /// Switch the server's authentication persistence mode (e.g. `legacy-iis4`).
    case switchMode(to: String)
    /// Pause (true) or resume (false) the demo traffic.
    case pauseTraffic(Bool)
    /// Re-decide recent requests with `document` instead of the mappings in force; nothing is
    /// applied. Answered with `.dryRunFinished`.
    case dryRunMappings(ConfigDocument)
    /// Save `document`, edited from `editedFrom`, atomically and apply it live — only if the file
    /// still holds `editedFrom`. Answered with `.configurationLoaded` and `.mappingsSaved`,
    /// `.saveConflict` when another writer changed the file, or `.requestFailed`.
    case saveMappings(ConfigDocument, editedFrom: ConfigDocument)
    case listSessions
    /// Save the requests in the console's memory matching `filter` (all when empty) as a session.
    case saveSession(name: String, filter: String)
    case deleteSession(String)
    /// Re-decide a saved session under the current mode and mappings, at its recorded pace
    /// scaled by `speed`; `paused` starts it waiting for a step. Progress comes as
    /// `.replayStarted`, `.replayAnswered` and `.replayPlayback`, the end as `.replayFinished`.
    case replaySession(String, paused: Bool, speed: ReplaySpeed)
    /// Step, pause, continue, change the speed of or stop the running replay.
    case controlReplay(ReplayInstruction)
    /// Re-decide one recent request (with the earlier requests of its connection, so the
    /// connection's persistence plays out as it did).
    case replayRequest(traceID: String)
    /// Run a scenario through the proxies under the current mode; answered with a `.notice`
    /// summarising its outcome when it finishes.
    case startScenario(String)
    /// Leave the console: the host restores the terminal and stops.
    case quit
}
