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

/// The most recent security and system events, bounded like the flow list.
public struct EventLog: Hashable, Sendable {
    public let capacity: Int
    public private(set) var lines: [EventLine] = []
    public private(set) var securityCount = 0

    public init(capacity: Int = 1_000) {
        self.capacity = max(1, capacity)
    }

    /// Appends a line; returns how many were forgotten from the front.
    @discardableResult
    mutating func append(_ line: EventLine) -> Int {
        lines.append(line)
        if case .security = line.kind { securityCount += 1 }
        guard lines.count > capacity else { return 0 }
        let drop = lines.count - capacity
        lines.removeFirst(drop)
        return drop
    }
}
