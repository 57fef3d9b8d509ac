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
public struct ReplaySession: Sendable {
    public let requests: [RequestRecord]
    /// Certificates by SHA-256 (colon hex), from the journal's certificate records.
    public let certificates: [String: CertificateIdentity]

    public init(requests: [RequestRecord], certificates: [String: CertificateIdentity]) {
        self.requests = requests
        self.certificates = certificates
    }

    /// Selects the requests of `events` matching `selector`.
    public static func select(from events: [CertMapEvent], where selector: SessionSelector) -> ReplaySession {
        selectWithTimes(from: events, where: selector).session
    }

    /// The selection plus each request's time, by trace id (for HAR's `startedDateTime`).
    public static func selectWithTimes(from events: [CertMapEvent], where selector: SessionSelector) -> (session: ReplaySession, times: [String: Date]) {
        var times: [String: Date] = [:]
        var certificates: [String: CertificateIdentity] = [:]
        var requests: [RequestRecord] = []
        for event in events {
            switch event.kind {
            case .certificate(let record):
                if let der = Data(base64Encoded: record.der), let identity = try? CertificateIdentity(derEncoded: Array(der)) {
                    certificates[record.sha256] = identity
                }
            case .request(let record) where selector.matches(record, at: event.time):
                requests.append(record)
                times[record.traceID] = event.time
            default:
                break
            }
        }
        return (ReplaySession(requests: requests, certificates: certificates), times)
    }
}
