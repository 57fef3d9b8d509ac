import CertMapJournal
import Foundation

/// One line of the Events screen: a security or system event.
public struct EventLine: Hashable, Sendable {
    /// Where the event came from (a security event and its category, the system, or the proxy
    /// simulator), for the line's label.
    public enum Kind: Hashable, Sendable {
        case security(SecurityEvent.Category)
        case system
        /// The proxy simulator refused a client or a tunnel opened/closed.
        case proxy
    }

    public let time: Date
    public let kind: Kind
    public let connection: ConnectionID?
    public let peer: String?
    public let message: String

    public init(time: Date, kind: Kind, connection: ConnectionID?, peer: String?, message: String) {
        self.time = time
        self.kind = kind
        self.connection = connection
        self.peer = peer
        self.message = message
    }

    /// `security/spoof`, `system`.
    public var label: String {
        switch kind {
        case .security(let category): return "security/\(category.rawValue)"
        case .system: return "system"
        case .proxy: return "proxy"
        }
    }
}

/// The most recent security and system events, bounded like the flow list, and the ones the
/// Events screen's filter lets through (kept up to date as events arrive, so the screen never
/// filters a thousand lines per frame).
public struct EventLog: Hashable, Sendable {
    public let capacity: Int
    public private(set) var lines: [EventLine] = []
    public private(set) var securityCount = 0
    /// The lines the filter lets through, oldest first (all of them without a filter).
    public private(set) var visible: [EventLine] = []
    /// Lower-cased words that must all appear in a line (kind, peer, `conn#N`, message).
    public private(set) var filterWords: [String] = []

    public init(capacity: Int = 1_000) {
        self.capacity = max(1, capacity)
    }

    /// Appends a line; returns how many lines, and how many visible lines, were forgotten from the front.
    @discardableResult
    mutating func append(_ line: EventLine) -> (all: Int, visible: Int) {
        lines.append(line)
        if case .security = line.kind { securityCount += 1 }
        if matches(line) { visible.append(line) }
        guard lines.count > capacity else { return (0, 0) }
        let drop = lines.count - capacity
        let dropped = lines.prefix(drop)
        let droppedVisible = dropped.filter(matches).count
        lines.removeFirst(drop)
        visible.removeFirst(droppedVisible)
        return (drop, droppedVisible)
    }

    /// Sets the filter (`security spoof`, `conn#12`, `127.0.0.2`): every word must appear,
    /// ignoring case. Empty text shows everything.
    mutating func setFilter(_ text: String) {
        filterWords = text.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        visible = filterWords.isEmpty ? lines : lines.filter(matches)
    }

    private func matches(_ line: EventLine) -> Bool {
        guard !filterWords.isEmpty else { return true }
        let haystack = line.searchText
        return filterWords.allSatisfy { haystack.contains($0) }
    }
}

extension EventLine {
    /// What the Events filter searches, lower-cased: the kind, the connection, the peer, the message.
    var searchText: String {
        "\(label) \(connection.map { "conn#\($0)" } ?? "") \(peer ?? "") \(message)".lowercased()
    }
}
