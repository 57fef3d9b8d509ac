import CertMapCore
import Foundation

/// Reads certmap's own request and shared lines by hand — the inverse of `EventJSONWriter` and
/// `JournalLineEncoder` — into the same values the `Codable` conformances give, several times
/// faster than `JSONDecoder`: a day of traffic is read in seconds (docs/benchmarks.md, "Reading
/// a day of traffic").
///
/// It knows only the shapes certmap writes; at anything else (an unknown key, an escape in a
/// key, a time in another form) it throws `JSONCursor.Unexpected` and the caller hands the line
/// to `JSONDecoder`, which stays the definition of the format. Rare parts — decision facts, an
/// imported request's observed answer — are always handed to it.
struct JournalFastDecoder {
    let table: JournalSharedTable
    let fallback: JSONDecoder
    /// Whether decisions keep their trace; readers that never show one (a replay, diagnose's
    /// text) skip it, a third of the work.
    var traces = true

    /// The event on a `"type":"request"` line.
    func request(_ line: UnsafeRawBufferPointer) throws -> CertMapEvent {
        var record: RequestRecord?
        let (sequence, time) = try Self.envelope(line, type: "request") { cursor in record = try self.record(&cursor) }
        guard let record else { throw JSONCursor.Unexpected() }
        return CertMapEvent(sequence: sequence, time: time, kind: .request(record))
    }

    /// The entry on a `"type":"shared"` line.
    func shared(_ line: UnsafeRawBufferPointer) throws -> SharedEntry {
        var entry: SharedEntry?
        _ = try Self.envelope(line, type: "shared") { cursor in
            var id: Int?
            var step: TraceStep?
            var certificate: CertificateSummary?
            var facts: DecisionFacts?
            try cursor.object { cursor, key in
                if key.spells("id") {
                    id = Int(try cursor.unsigned())
                } else if key.spells("step") {
                    step = try Self.step(&cursor)
                } else if key.spells("certificate") {
                    certificate = try Self.certificate(&cursor)
                } else if key.spells("facts") {
                    facts = try self.decodeFallback(DecisionFacts.self, try cursor.skipValue())
                } else {
                    throw JSONCursor.Unexpected()
                }
            }
            guard let id else { throw JSONCursor.Unexpected() }
            entry = SharedEntry(id: id, step: step, certificate: certificate, facts: facts)
        }
        guard let entry else { throw JSONCursor.Unexpected() }
        return entry
    }

    /// Reads a line's `{"<type>":{…},"sequence":…,"time":…,"type":"<type>"}`, handing the
    /// payload to `payload`, and returns its sequence number and time.
    private static func envelope(
        _ line: UnsafeRawBufferPointer, type: StaticString, payload: (inout JSONCursor) throws -> Void
    ) throws -> (sequence: UInt64, time: Date) {
        var cursor = JSONCursor(line)
        var sequence: UInt64?
        var time: Date?
        var read = false
        try cursor.object { cursor, key in
            if key.spells(type) {
                try payload(&cursor)
                read = true
            } else if key.spells("sequence") {
                sequence = try cursor.unsigned()
            } else if key.spells("time") {
                time = try date(&cursor)
            } else if key.spells("type") {
                guard try cursor.rawString().spells(type) else { throw JSONCursor.Unexpected() }
            } else {
                throw JSONCursor.Unexpected()
            }
        }
        guard read, let sequence, let time else { throw JSONCursor.Unexpected() }
        return (sequence, time)
    }

    // MARK: Parts

    private func record(_ cursor: inout JSONCursor) throws -> RequestRecord {
        var traceID: String?, method: String?, path: String?, peer: String?, route: String?, mode: String?, source: String?, run: String?
        var connection: UInt64?, request: Int?, duration: Int?, proxied: Bool?
        var certificate: CertificateSummary?
        var decision: StoredDecision?
        var upstream: UpstreamOutcome?
        var observed: ObservedAnswer?
        try cursor.object { cursor, key in
            switch key.count {
            case 3 where key.spells("run"): run = try Self.optionalString(&cursor)
            case 4 where key.spells("path"): path = try cursor.string()
            case 4 where key.spells("peer"): peer = try cursor.string()
            case 4 where key.spells("mode"): mode = try cursor.string()
            case 5 where key.spells("route"): route = try cursor.string()
            case 6 where key.spells("method"): method = try cursor.string()
            case 7 where key.spells("request"): request = try cursor.integer()
            case 7 where key.spells("proxied"): proxied = try cursor.bool()
            case 7 where key.spells("traceID"): traceID = try cursor.string()
            case 8 where key.spells("decision"): decision = try self.decision(&cursor)
            case 8 where key.spells("upstream"): upstream = try cursor.null() ? nil : try Self.upstream(&cursor)
            case 8 where key.spells("observed"): observed = try cursor.null() ? nil : try self.decodeFallback(ObservedAnswer.self, try cursor.skipValue())
            case 10 where key.spells("connection"): connection = try cursor.unsigned()
            case 11 where key.spells("certificate"): certificate = try cursor.null() ? nil : try Self.certificate(&cursor)
            case 14 where key.spells("certificateRef"): certificate = try table.certificate(Int(try cursor.unsigned()))
            case 14 where key.spells("durationMicros"): duration = try cursor.integer()
            case 17 where key.spells("certificateSource"): source = try cursor.string()
            default: throw JSONCursor.Unexpected()
            }
        }
        guard let traceID, let method, let path, let peer, let route, let mode, let source, let connection, let request, let duration, let proxied, let decision
        else { throw JSONCursor.Unexpected() }
        let made = try decision.decision(in: table, request: request, connection: connection, mode: mode, proxied: proxied)
        return RequestRecord(
            traceID: traceID, connection: connection, request: request, method: method, path: path, peer: peer, route: route, proxied: proxied, mode: mode,
            certificateSource: source, certificate: certificate, decision: made, durationMicros: duration, run: run, upstream: upstream, observed: observed)
    }

    /// A decision with its trace steps not yet resolved (templates need the record's numbers).
    private func decision(_ cursor: inout JSONCursor) throws -> StoredDecision {
        var reason: DecisionReason?, account: String?, mapping: String?, generation: UInt64?, facts: DecisionFacts?, factsRef: Int?
        var trace: DecisionTrace?, steps: [StoredStep]?
        try cursor.object { cursor, key in
            if !traces && (key.spells("steps") || key.spells("trace")) {
                _ = try cursor.skipValue()
                steps = []
            } else if key.spells("steps") {
                var stored: [StoredStep] = []
                stored.reserveCapacity(16)
                try cursor.array { cursor in
                    switch try cursor.peek() {
                    case UInt8(ascii: "\""): stored.append(.template(try cursor.string()))
                    case UInt8(ascii: "{"): stored.append(.inline(try Self.step(&cursor)))
                    default: stored.append(.shared(Int(try cursor.unsigned())))
                    }
                }
                steps = stored
            } else if key.spells("reason") {
                guard let read = DecisionReason(rawValue: try cursor.string()) else { throw JSONCursor.Unexpected() }
                reason = read
            } else if key.spells("account") {
                account = try Self.optionalString(&cursor)
            } else if key.spells("mapping") {
                mapping = try Self.optionalString(&cursor)
            } else if key.spells("generation") {
                generation = try cursor.unsigned()
            } else if key.spells("factsRef") {
                factsRef = Int(try cursor.unsigned())
            } else if key.spells("facts") {
                facts = try cursor.null() ? nil : try self.decodeFallback(DecisionFacts.self, try cursor.skipValue())
            } else if key.spells("trace") {
                var read: [TraceStep] = []
                try cursor.object { cursor, key in
                    guard key.spells("steps") else { throw JSONCursor.Unexpected() }
                    try cursor.array { cursor in read.append(try Self.step(&cursor)) }
                }
                trace = DecisionTrace(steps: read)
            } else {
                throw JSONCursor.Unexpected()
            }
        }
        guard let reason, let generation, trace != nil || steps != nil else { throw JSONCursor.Unexpected() }
        return StoredDecision(reason: reason, account: account, mapping: mapping, generation: generation, facts: facts, factsRef: factsRef, trace: trace, steps: steps)
    }

    private static func step(_ cursor: inout JSONCursor) throws -> TraceStep {
        var stage: TraceStage?, outcome: TraceOutcome?, summary: String?, details: [TraceDetail] = []
        try cursor.object { cursor, key in
            if key.spells("details") {
                try cursor.array { cursor in
                    var detailOutcome: TraceOutcome?, text: String?
                    try cursor.object { cursor, key in
                        if key.spells("outcome") {
                            detailOutcome = TraceOutcome(rawValue: try cursor.string())
                        } else if key.spells("text") {
                            text = try cursor.string()
                        } else {
                            throw JSONCursor.Unexpected()
                        }
                    }
                    guard let detailOutcome, let text else { throw JSONCursor.Unexpected() }
                    details.append(TraceDetail(detailOutcome, text))
                }
            } else if key.spells("outcome") {
                outcome = TraceOutcome(rawValue: try cursor.string())
            } else if key.spells("stage") {
                stage = TraceStage(rawValue: try cursor.string())
            } else if key.spells("summary") {
                summary = try cursor.string()
            } else {
                throw JSONCursor.Unexpected()
            }
        }
        guard let stage, let outcome, let summary else { throw JSONCursor.Unexpected() }
        return TraceStep(stage: stage, outcome: outcome, summary: summary, details: details)
    }

    private static func certificate(_ cursor: inout JSONCursor) throws -> CertificateSummary {
        var subject: String?, issuer: String?, commonName: String?, serial: String?, sha256: String?, notBefore: Date?, notAfter: Date?
        try cursor.object { cursor, key in
            if key.spells("subject") {
                subject = try cursor.string()
            } else if key.spells("issuer") {
                issuer = try cursor.string()
            } else if key.spells("commonName") {
                commonName = try cursor.string()
            } else if key.spells("serialNumber") {
                serial = try cursor.string()
            } else if key.spells("sha256") {
                sha256 = try cursor.string()
            } else if key.spells("notValidBefore") {
                notBefore = try date(&cursor)
            } else if key.spells("notValidAfter") {
                notAfter = try date(&cursor)
            } else {
                throw JSONCursor.Unexpected()
            }
        }
        guard let subject, let issuer, let commonName, let serial, let sha256, let notBefore, let notAfter else { throw JSONCursor.Unexpected() }
        return CertificateSummary(subject: subject, issuer: issuer, commonName: commonName, serialNumber: serial, sha256: sha256, notValidBefore: notBefore, notValidAfter: notAfter)
    }

    private static func upstream(_ cursor: inout JSONCursor) throws -> UpstreamOutcome {
        var upstream: String?, status: Int?, latency: Int?, sent: Int?, received: Int?, failure: String?
        try cursor.object { cursor, key in
            if key.spells("upstream") {
                upstream = try cursor.string()
            } else if key.spells("status") {
                status = try cursor.null() ? nil : try cursor.integer()
            } else if key.spells("latencyMicros") {
                latency = try cursor.integer()
            } else if key.spells("bytesSent") {
                sent = try cursor.integer()
            } else if key.spells("bytesReceived") {
                received = try cursor.integer()
            } else if key.spells("failure") {
                failure = try optionalString(&cursor)
            } else {
                throw JSONCursor.Unexpected()
            }
        }
        guard let upstream, let latency, let sent, let received else { throw JSONCursor.Unexpected() }
        return UpstreamOutcome(upstream: upstream, status: status, latencyMicros: latency, bytesSent: sent, bytesReceived: received, failure: failure)
    }

    private static func optionalString(_ cursor: inout JSONCursor) throws -> String? {
        try cursor.null() ? nil : try cursor.string()
    }

    /// A time in the form certmap writes; any other is unexpected (Foundation reads the line).
    private static func date(_ cursor: inout JSONCursor) throws -> Date {
        guard let date = RFC3339Time.date(written: try cursor.rawString()) else { throw JSONCursor.Unexpected() }
        return date
    }

    private func decodeFallback<T: Decodable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer) throws -> T {
        try fallback.decode(type, from: Data(bytes))
    }
}
