import CertMapCore
import Foundation

/// Which recorded requests make up a session: any combination of connection, client identity
/// (certificate CN) and time range, all of which must hold. Requests keep their original order,
/// connection grouping and request index.
public struct SessionSelector: Hashable, Sendable, Codable {
    public var connection: ConnectionID?
    public var identity: String?
    public var since: Date?
    public var until: Date?

    public init(connection: ConnectionID? = nil, identity: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.connection = connection
        self.identity = identity
        self.since = since
        self.until = until
    }

    public func matches(_ record: RequestRecord, at time: Date) -> Bool {
        if let connection, record.connection != connection { return false }
        if let identity, record.certificate?.commonName.caseInsensitiveCompare(identity) != .orderedSame { return false }
        if let since, time < since { return false }
        if let until, time > until { return false }
        return true
    }
}

/// A session ready to replay: its requests and the certificates they presented.
///
/// A selection never starts a connection in the middle: what a request gets can depend on the
/// requests before it on its connection (a reused identity, a reset without re-map), so each
/// selected connection's earlier requests come along as *context* — replayed to rebuild the
/// connection's state, shown as context, never counted as changes.
public struct ReplaySession: Sendable {
    public let requests: [RequestRecord]
    /// Certificates by SHA-256 (colon hex), from the journal's certificate records.
    public let certificates: [String: CertificateIdentity]
    /// Keys (`RequestRecord.key`) of the requests that are only context.
    public let context: Set<String>

    public init(requests: [RequestRecord], certificates: [String: CertificateIdentity], context: Set<String> = []) {
        self.requests = requests
        self.certificates = certificates
        self.context = context
    }

    /// Whether `record` is only here to rebuild its connection's state.
    public func isContext(_ record: RequestRecord) -> Bool { context.contains(record.key) }

    /// The requests `selected` lets through, with every other request of their connections that
    /// came before the last one selected as context, in the original order.
    public func narrowed(to selected: (RequestRecord) -> Bool) -> ReplaySession {
        var chosen: [Int] = []
        var lastChosen: [ConnectionKey: Int] = [:]
        for (index, record) in requests.enumerated() where selected(record) && !isContext(record) {
            chosen.append(index)
            lastChosen[record.connectionKey] = index
        }
        let chosenSet = Set(chosen)
        var kept: [RequestRecord] = []
        var context = self.context
        for (index, record) in requests.enumerated() {
            if chosenSet.contains(index) {
                kept.append(record)
                context.remove(record.key)
            } else if let last = lastChosen[record.connectionKey], index < last {
                kept.append(record)
                context.insert(record.key)
            }
        }
        return ReplaySession(requests: kept, certificates: certificates, context: context.intersection(kept.map(\.key)))
    }

    /// The requests that count (not context).
    public var selectedCount: Int { requests.count - context.count }

    /// Selects the requests of `events` matching `selector`.
    public static func select(from events: [CertMapEvent], where selector: SessionSelector) -> ReplaySession {
        selectWithTimes(from: events, where: selector).session
    }

    /// The selection plus each request's time, by request key (for HAR's `startedDateTime`).
    public static func selectWithTimes(from events: [CertMapEvent], where selector: SessionSelector) -> (session: ReplaySession, times: [String: Date]) {
        var times: [String: Date] = [:]
        var certificates: [String: CertificateIdentity] = [:]
        var requests: [RequestRecord] = []
        for event in events {
            switch event.kind {
            case .certificate(let record):
                if certificates[record.sha256] == nil, let der = Data(base64Encoded: record.der), let identity = try? CertificateIdentity(derEncoded: Array(der)) {
                    certificates[record.sha256] = identity
                }
            case .request(let record):
                requests.append(record)
                times[record.key] = event.time
            default:
                break
            }
        }
        let all = ReplaySession(requests: requests, certificates: certificates)
        let session = all.narrowed { selector.matches($0, at: times[$0.key] ?? .distantPast) }
        let kept = Set(session.requests.map(\.key))
        return (session, times.filter { kept.contains($0.key) })
    }
}
