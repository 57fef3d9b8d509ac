/// `m`: the authentication persistence modes in a list to pick from, so reaching one mode never
/// passes through another — cycling from legacy-iis4 back to per-request used to switch the
/// server through per-connection, the mode that serves one user's identity to the next.
public struct ModeChooser: Hashable, Sendable {
    /// The modes, in the order shown (1, 2, 3 pick them directly).
    public var modes: [String]
    /// The mode the server runs now (marked, and picking it changes nothing).
    public var current: String
    public var selected: Int

    public init(modes: [String], current: String) {
        self.modes = modes
        self.current = current
        self.selected = modes.firstIndex(of: current) ?? 0
    }

    /// What the mode does, in one line, so the choice is made knowing the consequence.
    public static func summary(of mode: String) -> String {
        switch mode {
        case "per-request": return "re-map every request from its certificate (the fix)"
        case "legacy-iis4": return "IIS 4.0: 401 after request 1 when proxied (Q190009)"
        case "per-connection": return "map once per connection: leaks identities via pools"
        default: return "custom persistence flags"
        }
    }

    /// What a key did to the chooser: still open, cancelled (the server is left as it is), or a
    /// mode chosen.
    public enum Outcome: Hashable, Sendable {
        /// Still choosing.
        case open
        case cancelled
        case chose(String)
    }

    /// Moves or picks: j/k and the arrows move, a digit or Enter picks, Esc or q cancels; any
    /// other key is ignored (a stray key never switches the server).
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character("j"), .down: selected = min(selected + 1, modes.count - 1)
        case .character("k"), .up: selected = max(selected - 1, 0)
        case .enter: return modes.indices.contains(selected) ? .chose(modes[selected]) : .cancelled
        case .escape, .character("q"), .character("m"): return .cancelled
        case .character(let digit):
            if let number = digit.wholeNumberValue, modes.indices.contains(number - 1) { return .chose(modes[number - 1]) }
        default: break
        }
        return .open
    }
}
