/// The console's key bindings, following mitmproxy's conventions (docs/design.md §8).
///
/// The help overlay is generated from this table, so a binding and its documentation cannot
/// drift apart. Context bindings win over global ones.
public struct Keymap: Hashable, Sendable {
    public let bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The command a key runs in a context, if any.
    public func command(for key: Key, in context: KeyContext) -> ConsoleCommand? {
        if let binding = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) {
            return binding.command
        }
        return bindings.first { $0.context == .global && $0.keys.contains(key) }?.command
    }

    /// What the help overlay shows for a context: its own bindings, then the global ones.
    public func helpSections(for context: KeyContext) -> [(context: KeyContext, bindings: [KeyBinding])] {
        let own = bindings.filter { $0.context == context }
        let global = bindings.filter { $0.context == .global }
        return (context == .global ? [] : [(context, own)]) + [(.global, global)]
    }

    private static func listBindings(_ context: KeyContext) -> [KeyBinding] {
        [
            KeyBinding([.character("j"), .down], .moveDown, context, "next row"),
            KeyBinding([.character("k"), .up], .moveUp, context, "previous row"),
            KeyBinding([.character("g"), .home], .moveTop, context, "first row"),
            KeyBinding([.character("G"), .end], .moveBottom, context, "last row, follow new ones"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, context, "page down"),
            KeyBinding([.pageUp], .pageUp, context, "page up"),
        ]
    }

    /// The default keymap.
    public static let standard = Keymap(bindings: [
        KeyBinding([.character("1")], .showScreen(.live), .global, "Live: requests as they happen"),
        KeyBinding([.character("2")], .showScreen(.connections), .global, "Connections and their outcome strips"),
        KeyBinding([.character("3")], .showScreen(.mappings), .global, "Mappings"),
        KeyBinding([.character("4")], .showScreen(.sessions), .global, "Sessions"),
        KeyBinding([.character("5")], .showScreen(.events), .global, "Events: security and system"),
        KeyBinding([.character("?")], .toggleHelp, .global, "this help"),
        KeyBinding([.character("q"), .escape], .back, .global, "back; on Live, quit (asks first)"),
        KeyBinding([.character("Q")], .quit, .global, "quit now"),
        KeyBinding([.tab], .nextTab, .global, "next screen"),
        KeyBinding([.backTab], .previousTab, .global, "previous screen"),
        KeyBinding([.character("m")], .switchMode, .global, "choose the auth persistence mode from a list"),
        KeyBinding([.character("p")], .togglePause, .global, "pause or resume demo traffic"),
        KeyBinding([.character("s")], .startScenario, .global, "start a scenario (q190009, pooled-proxy, header-spoofing, ...)"),
    ]
        + listBindings(.flowList) + [
            KeyBinding([.enter], .openDetail, .flowList, "open the request: request, certificate, trace, diagnosis"),
            KeyBinding([.character("!")], .diagnose, .flowList, "diagnose the selected request"),
            KeyBinding([.character("F")], .toggleFollow, .flowList, "follow new requests on/off"),
            KeyBinding([.character("f")], .filter, .flowList, "filter: ~s 401  ~acct alice  ~cert CN=bob  ! & | ( )"),
            KeyBinding([.character("/")], .search, .flowList, "search (same language as the filter)"),
            KeyBinding([.character("n")], .searchNext, .flowList, "next match"),
            KeyBinding([.character("N")], .searchPrevious, .flowList, "previous match"),
            KeyBinding([.character("r")], .replay, .flowList, "replay the selected request"),
        ]
        + listBindings(.connections) + [
            KeyBinding([.enter], .filterConnection, .connections, "show this connection's requests on Live"),
        ]
        + [
            KeyBinding([.character("j"), .down], .moveDown, .mappings, "next mapping"),
            KeyBinding([.character("k"), .up], .moveUp, .mappings, "previous mapping"),
            KeyBinding([.character("g"), .home], .moveTop, .mappings, "first mapping"),
            KeyBinding([.character("G"), .end], .moveBottom, .mappings, "last mapping"),
            KeyBinding([.character("e"), .enter], .edit, .mappings, "edit the selected mapping (form; enter applies, esc cancels)"),
            KeyBinding([.character("a")], .addMapping, .mappings, "add a many-to-one mapping"),
            KeyBinding([.character("d")], .deleteMapping, .mappings, "delete the selected mapping (asks first)"),
            KeyBinding([.character(" ")], .toggleMapping, .mappings, "enable or disable the selected mapping"),
            KeyBinding([.character("K")], .moveMappingUp, .mappings, "move the many-to-one mapping up (tried earlier)"),
            KeyBinding([.character("J")], .moveMappingDown, .mappings, "move the many-to-one mapping down"),
            KeyBinding([.character("u")], .undo, .mappings, "undo the last unsaved edit"),
            KeyBinding([.control("r")], .redo, .mappings, "redo"),
            KeyBinding([.character("D")], .dryRun, .mappings, "dry run: which recent requests would change"),
            KeyBinding([.character("w")], .save, .mappings, "save and apply live (asks first)"),
            KeyBinding([.character("j"), .down], .moveDown, .sessions, "next session"),
            KeyBinding([.character("k"), .up], .moveUp, .sessions, "previous session"),
            KeyBinding([.character("r"), .enter], .replay, .sessions, "replay the session under the current mode and mappings (dry run)"),
            KeyBinding([.character(".")], .stepReplay, .sessions, "step: replay one more request (starts a paused replay)"),
            KeyBinding([.character(" ")], .toggleReplayPause, .sessions, "pause or continue the replay"),
            KeyBinding([.character("c")], .continueReplay, .sessions, "continue the replay to its end"),
            KeyBinding([.character(">")], .replaySpeed, .sessions, "replay speed: 1× (as recorded), 10×, max"),
            KeyBinding([.character("x")], .stopReplay, .sessions, "stop the replay"),
            KeyBinding([.character("n")], .newSession, .sessions, "save the Live requests (as filtered) as a new session"),
            KeyBinding([.character("d")], .deleteSession, .sessions, "delete the session (asks first)"),
        ]
        + listBindings(.events) + [
            KeyBinding([.enter], .openDetail, .events, "show the selected event whole (q goes back; j/k move on)"),
            KeyBinding([.character("f")], .filter, .events, "filter events by words: security spoof, conn#3, 127.0.0.2"),
        ]
        + [
            KeyBinding([.tab, .character("l"), .right], .nextTab, .detail, "next tab"),
            KeyBinding([.backTab, .character("h"), .left], .previousTab, .detail, "previous tab"),
            KeyBinding([.character("j"), .down], .moveDown, .detail, "scroll down"),
            KeyBinding([.character("k"), .up], .moveUp, .detail, "scroll up"),
            KeyBinding([.character("g"), .home], .moveTop, .detail, "top"),
            KeyBinding([.character("G"), .end], .moveBottom, .detail, "bottom"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, .detail, "page down"),
            KeyBinding([.pageUp], .pageUp, .detail, "page up"),
            KeyBinding([.character("!")], .diagnose, .detail, "Diagnosis tab"),
            KeyBinding([.character("r")], .replay, .detail, "replay this request"),
        ])
}
