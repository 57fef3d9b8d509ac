/// Where a binding applies: everywhere, or on one screen (mitmproxy's keymap contexts).
public enum KeyContext: String, CaseIterable, Hashable, Sendable {
    case global
    case flowList
    case connections
    case mappings
    case sessions
    case events
    case detail

    /// The title the help overlay gives the context's section.
    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .flowList: return "Live flows"
        case .connections: return "Connections"
        case .mappings: return "Mappings"
        case .sessions: return "Sessions"
        case .events: return "Events"
        case .detail: return "Request detail"
        }
    }
}

/// One line of the keymap: keys, the command they run in a context, and the help text.
public struct KeyBinding: Hashable, Sendable {
    public let keys: [Key]
    public let command: ConsoleCommand
    public let context: KeyContext
    public let help: String

    public init(_ keys: [Key], _ command: ConsoleCommand, _ context: KeyContext, _ help: String) {
        self.keys = keys
        self.command = command
        self.context = context
        self.help = help
    }

    /// `j ↓`, `g home`: the keys as the help overlay lists them.
    public var label: String { keys.map(\.label).joined(separator: " ") }
}
