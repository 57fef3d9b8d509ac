import CertMapCore
import Foundation

/// Turns a proxy's access log into a session (`certmap import log`): each line a recorded
/// request, grouped into connections as the log groups them, with what the proxy answered as
/// "was" (`ObservedAnswer`) and certmap's own decision for it — today's mappings, the
/// certificate validated as of the request's time — with a trace that says where it came from.
///
/// A line that names a certificate without carrying it is imported without one and says so:
/// certmap maps only from the certificate itself, so its chain, revocation and mapping were
/// not checked and it is never treated as valid. Lines that cannot be read are counted and the
/// first few kept with their line numbers; they never stop an import.
public struct AccessLogImporter {
    public let format: AccessLogFormat
    /// How the file is named in traces and problems (`access.log`).
    public let source: String
    private let engine: DecisionEngine
    private let check: (CertificateIdentity, Date) async -> CertificateCheck
    private let since: Date?
    /// Where each request goes as it is decided (a session being written): nothing is held.
    private let emit: (RequestRecord, CertificateIdentity?, Date?) throws -> Void

    /// Requests imported so far.
    public private(set) var requests = 0
    public private(set) var lines = 0
    public private(set) var skippedBefore = 0
    public private(set) var withoutCertificate = 0
    /// Lines naming a certificate they do not carry.
    public private(set) var certificateNotLogged = 0
    public private(set) var malformed = 0
    /// The first malformed lines: `access.log:17: no "status"`.
    public private(set) var problems: [String] = []

    private var connections: [String: ConnectionID] = [:]
    private var requestCounts: [ConnectionID: Int] = [:]
    private var checks: [Fingerprint: CertificateCheck] = [:]
    private var decoded = CertificateTextCache()

    /// - Parameters:
    ///   - check: validates a certificate as of a time (the request's).
    ///   - since: lines before this time are skipped.
    ///   - emit: receives each request with its certificate and time, in order.
    public init(
        format: AccessLogFormat, source: String, engine: DecisionEngine, since: Date? = nil, check: @escaping (CertificateIdentity, Date) async -> CertificateCheck,
        emit: @escaping (RequestRecord, CertificateIdentity?, Date?) throws -> Void
    ) {
        self.format = format
        self.source = source
        self.engine = engine
        self.since = since
        self.check = check
        self.emit = emit
    }

    /// Reads line `number` of the log; throws only what `emit` throws (the session cannot be written).
    public mutating func add(line: String, number: Int) async throws {
        lines += 1
        guard !line.allSatisfy(\.isWhitespace) else { return }
        let entry: AccessLogEntry
        do {
            entry = try format.entry(from: line, certificates: &decoded)
        } catch {
            malformed += 1
            if problems.count < 20 { problems.append("\(source):\(number): \(error)") }
            return
        }
        if let since, let time = entry.time, time < since {
            skippedBefore += 1
            return
        }
        try await add(entry, number: number)
    }

    /// Counts line `number` as malformed because it is longer than the reader keeps.
    public mutating func addTooLong(number: Int, limit: Int) {
        lines += 1
        malformed += 1
        if problems.count < 20 { problems.append("\(source):\(number): longer than \(limit) bytes (cut, not read)") }
    }

    private mutating func add(_ entry: AccessLogEntry, number: Int) async throws {
        let connectionKey = entry.connection ?? "line \(number)"
        let connection = connections[connectionKey] ?? ConnectionID(connections.count + 1)
        connections[connectionKey] = connection
        let counted = (requestCounts[connection] ?? 0) + 1
        requestCounts[connection] = counted
        let place = "\(source):\(number)"
        let verdict = entry.verify.map { " (its verdict on the client certificate: \($0))" } ?? ""
        var trace = DecisionTrace()
        trace.record(.source, .info, "imported from \(format.rawValue)'s access log, \(place): \(format.rawValue) answered \(entry.status)\(verdict)")
        var notLogged: String?
        var check: CertificateCheck?
        if let certificate = entry.certificate {
            trace.record(.source, .passed, "client certificate from the log line: \(certificate.subject.rfc2253)")
            let time = entry.time ?? Date()
            if let cached = checks[certificate.sha256] {
                check = cached
            } else {
                let fresh = await self.check(certificate, time)
                if checks.count < 100_000 { checks[certificate.sha256] = fresh }
                check = fresh
            }
        } else if let subject = entry.subject {
            certificateNotLogged += 1
            notLogged = subject
            trace.record(.source, .failed, "the line names a client certificate (\(subject)) but does not carry it: certmap maps only from the certificate itself, so its chain, revocation and mapping were not checked (log the certificate: certmap logformat \(format.rawValue))")
        } else {
            withoutCertificate += 1
            trace.record(.source, .info, "no client certificate on this request")
        }
        let decision = engine.decide(AuthenticationRequest(path: RequestTarget.decisionPath(for: entry.uri), certificate: entry.certificate, check: check), trace: trace)
        let record = RequestRecord(
            traceID: "line-\(number)", connection: connection, request: entry.requestOnConnection ?? counted, method: entry.method, path: entry.uri,
            peer: entry.client, route: "direct", proxied: false, mode: "imported", certificateSource: entry.certificate == nil ? "none" : "log:\(format.rawValue)",
            certificate: entry.certificate.map(CertificateSummary.init), decision: decision, durationMicros: 0, run: format.rawValue,
            observed: ObservedAnswer(proxy: format.rawValue, status: entry.status, source: place, verify: entry.verify, certificateNotLogged: notLogged))
        try emit(record, entry.certificate, entry.time)
        requests += 1
    }

    /// `412 lines: 400 requests on 37 connections, 9 without a client certificate, 3 malformed (skipped)`.
    public var summary: String {
        var parts = ["\(lines) line(s): \(requests) request(s) on \(connections.count) connection(s)"]
        if withoutCertificate > 0 { parts.append("\(withoutCertificate) without a client certificate") }
        if certificateNotLogged > 0 { parts.append("\(certificateNotLogged) naming a certificate the line does not carry (not checked, not mapped)") }
        if skippedBefore > 0 { parts.append("\(skippedBefore) before --since (skipped)") }
        if malformed > 0 { parts.append("\(malformed) malformed (skipped)") }
        return parts.joined(separator: ", ")
    }
}
