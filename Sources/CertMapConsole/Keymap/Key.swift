/// A key press, as the backend decodes it (no terminal codes leak past the backend).
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, pageUp, pageDown, home, end
    case function(Int)

    /// How the help overlay spells the key.
    public var label: String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .control(let c): return "ctrl-\(c)"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .escape: return "esc"
        case .backspace: return "backspace"
        case .delete: return "del"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .function(let n): return "F\(n)"
        }
    }
}
