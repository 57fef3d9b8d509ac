import CertMapCore
import Foundation

/// Identifies a connection for the lifetime of the process (1, 2, 3, ...), so the console can
/// group requests by connection and replay keeps the grouping.
public typealias ConnectionID = UInt64

/// One thing that happened, stamped with a sequence number and time by the `EventBus`.
///
/// The console, the journal and replay all read these (never log lines). Every per-request step
/// of the authentication pipeline is an event, so "first ok, the rest 401" and "request 2 ran as
/// alice without looking at a certificate" are visible as they happen.
public struct CertMapEvent: Codable, Hashable, Sendable {
    public let sequence: UInt64
    public let time: Date
    public let kind: Kind

    public init(sequence: UInt64, time: Date, kind: Kind) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
    }

    /// Indirect: every payload lives in one reference-counted box, so handing an event to the
    /// ring buffer, each subscriber and the console costs one retain, not one per field.
    public indirect enum Kind: Hashable, Sendable {
        case connectionOpened(ConnectionOpened)
        case connectionClosed(ConnectionClosed)
        case authStep(AuthStep)
        case request(RequestRecord)
        case security(SecurityEvent)
        case system(SystemEvent)
        /// A certificate seen for the first time, stored once by fingerprint so requests can
        /// reference it (replay needs the whole certificate; it is public material, never a key).
        case certificate(CertificateRecord)
        /// The proxy simulator tunnelled or forwarded something (links client and upstream connections).
        case proxyHop(ProxyHop)
    }
}

/// The DER of a certificate, referenced by its SHA-256 from `RequestRecord.certificate`.
public struct CertificateRecord: Codable, Hashable, Sendable {
    public let sha256: String
    /// Base64 DER.
    public let der: String

    public init(sha256: String, der: String) {
        self.sha256 = sha256
        self.der = der
    }
}

/// A TLS connection was accepted and its handshake finished (or failed).
public struct ConnectionOpened: Codable, Hashable, Sendable {
    public let connection: ConnectionID
    public let peer: String
    public let local: String
    /// The connection counts as proxied: its peer is a proxied-connection address or a
    /// certificate forwarder (the JSON name predates the two roles and is kept for old journals).
    public let peerIsTrustedProxy: Bool
    public let tlsVersion: String?
    public let cipherSuite: String?
    public let certificate: CertificateSummary?
    /// The certificate forwarder the peer was identified as, if any: only then are its
    /// forwarded-certificate headers believed.
    public let forwarder: String?
    /// Whether the TLS session was resumed: true when the client's certificate came from the
    /// resumed session (it sent none), false after a full handshake in which it sent one, nil
    /// when certmap cannot tell (no client certificate either way).
    public let resumed: Bool?

    public init(
        connection: ConnectionID, peer: String, local: String, peerIsTrustedProxy: Bool, tlsVersion: String?, cipherSuite: String?, certificate: CertificateSummary?,
        forwarder: String? = nil, resumed: Bool? = nil
    ) {
        self.resumed = resumed
        self.connection = connection
        self.peer = peer
        self.local = local
        self.peerIsTrustedProxy = peerIsTrustedProxy
        self.tlsVersion = tlsVersion
        self.cipherSuite = cipherSuite
        self.certificate = certificate
        self.forwarder = forwarder
    }
}

/// A connection ended, with why and how many requests it carried.
public struct ConnectionClosed: Codable, Hashable, Sendable {
    public let connection: ConnectionID
    public let requests: Int
    public let reason: String

    public init(connection: ConnectionID, requests: Int, reason: String) {
        self.connection = connection
        self.requests = requests
        self.reason = reason
    }
}

/// One step of one request's authentication (reset, source, validate, map, authorize, respond).
public struct AuthStep: Codable, Hashable, Sendable {
    public let connection: ConnectionID
    /// 1-based index of the request on its connection.
    public let request: Int
    public let step: TraceStep
    /// The persistence behaviour that was in force (`per-request`, `legacy-iis4`, ...).
    public let mode: String

    public init(connection: ConnectionID, request: Int, step: TraceStep, mode: String) {
        self.connection = connection
        self.request = request
        self.step = step
        self.mode = mode
    }
}

/// A request and the decision it got: the row the console's Live screen shows.
public struct RequestRecord: Codable, Hashable, Sendable {
    public let traceID: String
    public let connection: ConnectionID
    public let request: Int
    public let method: String
    public let path: String
    public let peer: String
    /// `direct`, or `proxied` (certificate forwarder or proxied-connection peer, or Via/Forwarded/X-Forwarded-For), plus the
    /// forwarded-certificate format when one was used.
    public let route: String
    public let proxied: Bool
    public let mode: String
    /// How the decision got its identity: `tls` or `forwarded:<format>` (this request's own
    /// certificate was mapped), `persisted` (the connection's earlier identity was reused),
    /// `none` (nothing was mapped).
    public let certificateSource: String
    /// The certificate this request presented (TLS or forwarded), whether or not it was used.
    public let certificate: CertificateSummary?
    public let decision: Decision
    /// Time from the request head arriving to the decision being ready to write, in microseconds.
    public let durationMicros: Int
    /// The server process that answered (connection numbers start again in every process, so
    /// a connection is `run` + `connection`); nil in journals written before runs were named.
    public let run: String?
    /// In gateway mode, what the application did with the request (nil: certmap answered it itself).
    public let upstream: UpstreamOutcome?
    /// For a request imported from another proxy's access log: what that proxy answered (the
    /// "was" of a replay); `decision` is then certmap's decision for it at import.
    public let observed: ObservedAnswer?

    public init(
        traceID: String, connection: ConnectionID, request: Int, method: String, path: String, peer: String, route: String,
        proxied: Bool, mode: String, certificateSource: String, certificate: CertificateSummary?, decision: Decision, durationMicros: Int,
        run: String? = nil, upstream: UpstreamOutcome? = nil, observed: ObservedAnswer? = nil
    ) {
        self.upstream = upstream
        self.observed = observed
        self.traceID = traceID
        self.connection = connection
        self.request = request
        self.method = method
        self.path = path
        self.peer = peer
        self.route = route
        self.proxied = proxied
        self.mode = mode
        self.certificateSource = certificateSource
        self.certificate = certificate
        self.decision = decision
        self.durationMicros = durationMicros
        self.run = run
    }

    /// The same record under another server name and connection number (a console attached to
    /// several servers numbers their connections apart and names each request's server).
    public func with(run: String?, connection: ConnectionID) -> RequestRecord {
        copy(run: run, connection: connection, upstream: upstream)
    }

    /// The same record with what the application did with the request (gateway mode).
    public func with(upstream: UpstreamOutcome) -> RequestRecord {
        copy(run: run, connection: connection, upstream: upstream)
    }

    private func copy(run: String?, connection: ConnectionID, upstream: UpstreamOutcome?) -> RequestRecord {
        RequestRecord(
            traceID: traceID, connection: connection, request: request, method: method, path: path, peer: peer, route: route, proxied: proxied,
            mode: mode, certificateSource: certificateSource, certificate: certificate, decision: decision, durationMicros: durationMicros, run: run,
            upstream: upstream, observed: observed)
    }

    /// The JSON names of the fields (the synthesized encoding; `init(from:)` also reads the
    /// journal's compact form, see `RequestRecord+Compact.swift`).
    enum CodingKeys: String, CodingKey {
        case traceID, connection, request, method, path, peer, route, proxied, mode, certificateSource, certificate, decision
        case durationMicros, run, upstream, observed
    }

    /// The connection this request came on, unique across runs.
    public var connectionKey: ConnectionKey { ConnectionKey(run: run, connection: connection) }

    /// The request, unique across runs (trace ids, like connection numbers, start again in every
    /// process): `r1a2b3c4d/t-5`, or the bare trace id in journals written before runs.
    public var key: String { run.map { "\($0)/\(traceID)" } ?? traceID }
}

/// A connection, unique across the runs a journal spans: the server process and its number.
public struct ConnectionKey: Hashable, Sendable {
    public let run: String?
    public let connection: ConnectionID

    public init(run: String?, connection: ConnectionID) {
        self.run = run
        self.connection = connection
    }
}

/// Something an operator must know about for security: forged headers, malformed input, limits.
public struct SecurityEvent: Codable, Hashable, Sendable {
    /// What kind of security event it is (forged or malformed headers, a limit, TLS, a bad
    /// request), for filtering and labels.
    public enum Category: String, Codable, Hashable, Sendable {
        /// Forwarded-certificate headers from a peer that is not a certificate forwarder, or sent by
        /// a client to the reverse proxy (stripped either way).
        case spoof
        /// A malformed forwarded-certificate header from a certificate forwarder (answered 400).
        case malformedForwardedHeader
        /// A limit was hit: header size, body size, timeouts, connection count.
        case limit
        /// TLS handshake failure or plain text on the TLS port.
        case tls
        /// An HTTP request that could not be parsed, or whose target is refused.
        case malformedRequest
        /// A CRL past its nextUpdate: revocations after that date are unknown (`trust.staleCRL`).
        case staleCRL
    }

    public let category: Category
    public let connection: ConnectionID?
    public let peer: String
    public let message: String
    /// A short, stable name for what happened within the category (`plain_http`,
    /// `alert_unknown_ca` for a TLS failure), for metric labels and counting; the message is
    /// for people.
    public let reason: String?

    public init(category: Category, connection: ConnectionID?, peer: String, message: String, reason: String? = nil) {
        self.category = category
        self.connection = connection
        self.peer = peer
        self.message = message
        self.reason = reason
    }
}

/// Lifecycle and administration: server started, mode switched, configuration applied.
public struct SystemEvent: Codable, Hashable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}
