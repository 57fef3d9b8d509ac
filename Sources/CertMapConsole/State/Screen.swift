/// The console's screens, numbered as their keys (docs/design.md §8).
public enum Screen: Int, CaseIterable, Hashable, Sendable {
    case live = 1
    case connections
    case mappings
    case sessions
    case events

    public var title: String {
        switch self {
        case .live: return "Live"
        case .connections: return "Connections"
        case .mappings: return "Mappings"
        case .sessions: return "Sessions"
        case .events: return "Events"
        }
    }

    /// The keymap context of the screen.
    public var keyContext: KeyContext {
        switch self {
        case .live: return .flowList
        case .connections: return .connections
        case .mappings: return .mappings
        case .sessions: return .sessions
        case .events: return .events
        }
    }
}

/// The tabs of the request detail view.
public enum DetailTab: Int, CaseIterable, Hashable, Sendable {
    case request, certificate, trace, diagnosis

    public var title: String {
        switch self {
        case .request: return "Request"
        case .certificate: return "Certificate"
        case .trace: return "Auth trace"
        case .diagnosis: return "Diagnosis"
        }
    }
}

/// An open request detail: which request (by trace id, so it survives the list moving), which tab,
/// and how far it is scrolled.
public struct RequestDetail: Hashable, Sendable {
    public var traceID: String
    public var tab: DetailTab
    public var scroll: Int

    public init(traceID: String, tab: DetailTab = .request, scroll: Int = 0) {
        self.traceID = traceID
        self.tab = tab
        self.scroll = scroll
    }
}
