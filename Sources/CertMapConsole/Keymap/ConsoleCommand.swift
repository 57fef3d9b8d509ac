/// What a key means, independent of which key it is: the keymap turns keys into commands and
/// the reducer carries them out.
public enum ConsoleCommand: Hashable, Sendable {
    case showScreen(Screen)
    case toggleHelp
    /// `q`: close the detail or overlay, go back to Live, or (on Live) ask to quit.
    case back
    /// `Q`: quit without asking.
    case quit
    case nextTab
    case previousTab
    case openDetail
    case moveUp
    case moveDown
    case moveTop
    case moveBottom
    case pageUp
    case pageDown
    case toggleFollow
    case search
    case searchNext
    case searchPrevious
    case filter
    case filterConnection
    case switchMode
    case togglePause
    case replay
    case edit
    case diagnose
    case addMapping
    case deleteMapping
    case toggleMapping
    case moveMappingUp
    case moveMappingDown
    case undo
    case redo
    case dryRun
    case save
    case newSession
    /// Sessions screen: one more request of the replay (starting a paused one if none runs).
    case stepReplay
    /// Sessions screen: pause the running replay, or continue the paused one.
    case toggleReplayPause
    case continueReplay
    /// Sessions screen: the replay's next speed (1× → 10× → max).
    case replaySpeed
    case stopReplay
    case deleteSession
    case startScenario
}
