import CertMapJournal
import Foundation

/// How one request on a connection came out, for the outcome strip (`✓✗✗✗`).
public enum OutcomeMark: Hashable, Sendable {
    case ok
    case unauthorized
    case forbidden
    case other
    /// Answered 200 with another user's identity: never drawn as a success.
    case leaked

    /// What the client of `record` finally got: a leaked identity first; in gateway mode the
    /// application's status, or the 502/504 certmap answered when the application gave none.
    public init(record: RequestRecord) {
        if record.decision.facts?.misattribution != nil {
            self = .leaked
            return
        }
        self.init(status: record.upstream.map { $0.status ?? 502 } ?? record.decision.status)
    }

    public init(status: Int) {
        switch status {
        case 200..<300: self = .ok
        case 401: self = .unauthorized
        case 403: self = .forbidden
        default: self = .other
        }
    }
}

/// What the Connections screen shows of one connection.
public struct ConnectionSummary: Hashable, Sendable {
    /// How many outcomes a strip keeps (the first ones: "first ok, then 401" starts at request 1).
    public static let stripCapacity = 64

    public let id: ConnectionID
    public var openedAt: Date
    public var peer: String
    /// The peer is a proxied-connection address or a certificate forwarder, or a request carried proxy headers.
    public var proxied: Bool
    public var route: String
    public var tlsVersion: String?
    public var certificateCommonName: String?
    public var requests = 0
    public var okCount = 0
    public var deniedCount = 0
    /// Outcomes of the first `stripCapacity` requests, in order.
    public var outcomes: [OutcomeMark] = []
    public var closedReason: String?

    public init(id: ConnectionID, openedAt: Date, peer: String, proxied: Bool, route: String, tlsVersion: String?, certificateCommonName: String?) {
        self.id = id
        self.openedAt = openedAt
        self.peer = peer
        self.proxied = proxied
        self.route = route
        self.tlsVersion = tlsVersion
        self.certificateCommonName = certificateCommonName
    }

    mutating func record(_ record: RequestRecord) {
        requests = max(requests + 1, record.request)
        let mark = OutcomeMark(record: record)
        if mark == .ok { okCount += 1 } else { deniedCount += 1 }
        if outcomes.count < Self.stripCapacity { outcomes.append(mark) }
        proxied = proxied || record.proxied
        route = record.route
        if certificateCommonName == nil { certificateCommonName = record.certificate?.commonName }
    }
}

/// Connections by id, oldest first, bounded: beyond `capacity` the oldest closed connections are
/// forgotten first, then the oldest open ones.
public struct ConnectionTable: Hashable, Sendable {
    public let capacity: Int
    public private(set) var order: [ConnectionID] = []
    private var byID: [ConnectionID: ConnectionSummary] = [:]

    public init(capacity: Int = 2_000) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { order.count }

    public subscript(id: ConnectionID) -> ConnectionSummary? { byID[id] }

    /// The `position`-th connection, oldest first.
    public func connection(at position: Int) -> ConnectionSummary { byID[order[position]]! }

    public var all: [ConnectionSummary] { order.map { byID[$0]! } }

    /// Records an opened connection; returns how many were forgotten before the new position.
    @discardableResult
    mutating func open(_ opened: ConnectionOpened, at time: Date) -> Int {
        let summary = ConnectionSummary(
            id: opened.connection, openedAt: time, peer: opened.peer, proxied: opened.peerIsTrustedProxy,
            route: opened.forwarder != nil ? "forwarder" : (opened.peerIsTrustedProxy ? "proxied" : "direct"), tlsVersion: opened.tlsVersion,
            certificateCommonName: opened.certificate?.commonName)
        return insert(summary)
    }

    /// Adds a request to its connection (creating it if its opening was not seen).
    @discardableResult
    mutating func record(_ record: RequestRecord, at time: Date) -> Int {
        var forgotten = 0
        if byID[record.connection] == nil {
            forgotten = insert(
                ConnectionSummary(
                    id: record.connection, openedAt: time, peer: record.peer, proxied: record.proxied, route: record.route,
                    tlsVersion: nil, certificateCommonName: record.certificate?.commonName))
        }
        byID[record.connection]?.record(record)
        return forgotten
    }

    mutating func close(_ closed: ConnectionClosed) {
        byID[closed.connection]?.closedReason = closed.reason
        if let requests = byID[closed.connection]?.requests, closed.requests > requests {
            byID[closed.connection]?.requests = closed.requests
        }
    }

    private mutating func insert(_ summary: ConnectionSummary) -> Int {
        if byID.updateValue(summary, forKey: summary.id) == nil {
            order.append(summary.id)
        }
        guard order.count > capacity else { return 0 }
        let victim = order.firstIndex { byID[$0]?.closedReason != nil } ?? 0
        byID.removeValue(forKey: order.remove(at: victim))
        return 1
    }
}
