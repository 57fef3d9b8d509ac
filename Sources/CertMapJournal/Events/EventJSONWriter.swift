import CertMapCore
import Foundation

/// Writes an event as one JSON line without going through `JSONEncoder`, for the journal and
/// `certmap serve --log-format json`: every request produces one, so Foundation's encoder (a
/// value tree, boxed containers, key sorting, an ICU date formatter) was a large share of
/// serving a request with the journal on.
///
/// The bytes are exactly `EventJSON.encoder()`'s — sorted keys, unescaped slashes, the same
/// string escapes, RFC 3339 times with milliseconds — and tests compare the two over every event
/// kind, so the `Codable` conformances stay the one definition of the format (the reader still
/// decodes with them). Request records, the one event per request, are written field by field;
/// their rare parts (decision facts) and every other event kind, a few per connection at most,
/// are handed to `JSONEncoder` and spliced in.
public struct EventJSONWriter {
    private let fallback: JSONEncoder
    private var bytes: [UInt8] = []
    /// Facts already encoded: the same few (a certificate refused for the same reason, the same
    /// near misses) recur on request after request, and `JSONEncoder` is most of a refused
    /// request's line. Bounded; cleared when full.
    private var encodedFacts: [DecisionFacts: [UInt8]] = [:]
    private static let encodedFactsCapacity = 256
    /// Times as `JSONEncoder`'s default writes them (seconds since 2001-01-01, a number) instead
    /// of RFC 3339 text: the form HAR files have always held.
    private let datesAsReferenceSeconds: Bool

    public init() {
        self.init(datesAsReferenceSeconds: false)
    }

    init(datesAsReferenceSeconds: Bool) {
        self.datesAsReferenceSeconds = datesAsReferenceSeconds
        fallback = datesAsReferenceSeconds ? JSONEncoder() : EventJSON.encoder()
        if datesAsReferenceSeconds { fallback.outputFormatting = [.sortedKeys, .withoutEscapingSlashes] }
        bytes.reserveCapacity(4096)
    }

    /// The event as JSON followed by a newline.
    public mutating func line(_ event: CertMapEvent) throws -> Data {
        var data = Data()
        try append(event, to: &data)
        return data
    }

    /// Appends the event as JSON followed by a newline to `output` (the journal's buffer).
    public mutating func append(_ event: CertMapEvent, to output: inout Data) throws {
        guard case .request(let record) = event.kind else {
            output.append(try fallback.encode(event))
            output.append(0x0A)
            return
        }
        bytes.removeAll(keepingCapacity: true)
        raw("{\"request\":")
        try write(record)
        raw(",\"sequence\":")
        number(event.sequence)
        raw(",\"time\":")
        date(event.time)
        raw(",\"type\":\"request\"}\n")
        output.append(contentsOf: bytes)
    }

    /// Appends a request record alone as JSON (a HAR entry's `_certmap.record`).
    mutating func append(_ record: RequestRecord, to output: inout Data) throws {
        bytes.removeAll(keepingCapacity: true)
        try write(record)
        output.append(contentsOf: bytes)
    }

    /// Appends `text` as a JSON string.
    mutating func append(string text: String, to output: inout Data) {
        bytes.removeAll(keepingCapacity: true)
        string(text)
        output.append(contentsOf: bytes)
    }

    // MARK: The journal's compact form (docs/design.md, "The journal's compact record")

    /// A trace step as JSON (`{"details":[…],"outcome":…,"stage":…,"summary":…}`): the journal's
    /// key for a step it stores once per scope.
    mutating func json(of step: TraceStep) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
        write(step)
        return bytes
    }

    /// Decision facts as JSON: the journal's key for facts it stores once per scope.
    mutating func json(of facts: DecisionFacts) throws -> [UInt8] {
        if let known = encodedFacts[facts] { return known }
        let encoded = Array(try fallback.encode(facts))
        if encodedFacts.count >= Self.encodedFactsCapacity { encodedFacts.removeAll(keepingCapacity: true) }
        encodedFacts[facts] = encoded
        return encoded
    }

    /// Appends the line that defines shared entry `id` of the current scope: a trace step
    /// (`stepJSON` from `json(of:)`), a certificate summary or decision facts.
    mutating func appendShared(
        id: Int, step stepJSON: [UInt8]? = nil, certificate: CertificateSummary? = nil, facts factsJSON: [UInt8]? = nil, sequence: UInt64, time: Date,
        to output: inout Data
    ) {
        bytes.removeAll(keepingCapacity: true)
        raw("{\"sequence\":")
        number(sequence)
        raw(",\"shared\":{")
        if let certificate {
            raw("\"certificate\":")
            write(certificate)
            raw(",")
        }
        if let factsJSON {
            raw("\"facts\":")
            bytes.append(contentsOf: factsJSON)
            raw(",")
        }
        raw("\"id\":")
        number(id)
        if let stepJSON {
            raw(",\"step\":")
            bytes.append(contentsOf: stepJSON)
        }
        raw("},\"time\":")
        date(time)
        raw(",\"type\":\"shared\"}\n")
        output.append(contentsOf: bytes)
    }

    /// Appends a request event whose certificate and trace steps refer to shared entries
    /// (`compact`) instead of repeating them.
    mutating func appendCompact(_ record: RequestRecord, _ compact: CompactRequestParts, sequence: UInt64, time: Date, to output: inout Data) throws {
        bytes.removeAll(keepingCapacity: true)
        raw("{\"request\":")
        try write(record, compact: compact)
        raw(",\"sequence\":")
        number(sequence)
        raw(",\"time\":")
        date(time)
        raw(",\"type\":\"request\"}\n")
        output.append(contentsOf: bytes)
    }

    private mutating func write(_ record: RequestRecord, compact: CompactRequestParts? = nil) throws {
        raw("{")
        if let certificate = compact?.certificate {
            raw("\"certificateRef\":")
            number(certificate)
            raw(",")
        } else if let certificate = record.certificate {
            raw("\"certificate\":")
            write(certificate)
            raw(",")
        }
        raw("\"certificateSource\":")
        string(record.certificateSource)
        raw(",\"connection\":")
        number(record.connection)
        raw(",\"decision\":")
        try write(record.decision, compact: compact)
        raw(",\"durationMicros\":")
        number(record.durationMicros)
        raw(",\"method\":")
        string(record.method)
        raw(",\"mode\":")
        string(record.mode)
        if let observed = record.observed {
            raw(",\"observed\":")
            write(observed)
        }
        raw(",\"path\":")
        string(record.path)
        raw(",\"peer\":")
        string(record.peer)
        raw(",\"proxied\":")
        raw(record.proxied ? "true" : "false")
        raw(",\"request\":")
        number(record.request)
        raw(",\"route\":")
        string(record.route)
        if let run = record.run {
            raw(",\"run\":")
            string(run)
        }
        raw(",\"traceID\":")
        string(record.traceID)
        if let upstream = record.upstream {
            raw(",\"upstream\":")
            write(upstream)
        }
        raw("}")
    }

    private mutating func write(_ certificate: CertificateSummary) {
        raw("{\"commonName\":")
        string(certificate.commonName)
        raw(",\"issuer\":")
        string(certificate.issuer)
        raw(",\"notValidAfter\":")
        date(certificate.notValidAfter)
        raw(",\"notValidBefore\":")
        date(certificate.notValidBefore)
        raw(",\"serialNumber\":")
        string(certificate.serialNumber)
        raw(",\"sha256\":")
        string(certificate.sha256)
        raw(",\"subject\":")
        string(certificate.subject)
        raw("}")
    }

    private mutating func write(_ decision: Decision, compact: CompactRequestParts? = nil) throws {
        raw("{")
        if let account = decision.account {
            raw("\"account\":")
            string(account)
            raw(",")
        }
        if let facts = compact?.facts {
            raw("\"factsRef\":")
            number(facts)
            raw(",")
        } else if let facts = decision.facts {
            raw("\"facts\":")
            let encoded = try json(of: facts)
            bytes.append(contentsOf: encoded)
            raw(",")
        }
        raw("\"generation\":")
        number(decision.generation)
        if let mapping = decision.mapping {
            raw(",\"mapping\":")
            string(mapping)
        }
        raw(",\"reason\":")
        string(decision.reason.rawValue)
        if let compact {
            raw(",\"steps\":[")
            for (index, step) in compact.steps.enumerated() {
                if index > 0 { raw(",") }
                switch step {
                case .shared(let id): number(id)
                case .template(let template): string(template.rawValue)
                case .inline(let json): bytes.append(contentsOf: json)
                }
            }
            raw("]}")
            return
        }
        raw(",\"trace\":{\"steps\":[")
        for (index, step) in decision.trace.steps.enumerated() {
            if index > 0 { raw(",") }
            write(step)
        }
        raw("]}}")
    }

    private mutating func write(_ step: TraceStep) {
        raw("{\"details\":[")
        for (detailIndex, detail) in step.details.enumerated() {
            if detailIndex > 0 { raw(",") }
            raw("{\"outcome\":")
            string(detail.outcome.rawValue)
            raw(",\"text\":")
            string(detail.text)
            raw("}")
        }
        raw("],\"outcome\":")
        string(step.outcome.rawValue)
        raw(",\"stage\":")
        string(step.stage.rawValue)
        raw(",\"summary\":")
        string(step.summary)
        raw("}")
    }

    private mutating func write(_ observed: ObservedAnswer) {
        raw("{")
        if let notLogged = observed.certificateNotLogged {
            raw("\"certificateNotLogged\":")
            string(notLogged)
            raw(",")
        }
        raw("\"proxy\":")
        string(observed.proxy)
        raw(",\"source\":")
        string(observed.source)
        raw(",\"status\":")
        number(observed.status)
        if let verify = observed.verify {
            raw(",\"verify\":")
            string(verify)
        }
        raw("}")
    }

    private mutating func write(_ upstream: UpstreamOutcome) {
        raw("{\"bytesReceived\":")
        number(upstream.bytesReceived)
        raw(",\"bytesSent\":")
        number(upstream.bytesSent)
        if let failure = upstream.failure {
            raw(",\"failure\":")
            string(failure)
        }
        raw(",\"latencyMicros\":")
        number(upstream.latencyMicros)
        if let status = upstream.status {
            raw(",\"status\":")
            number(status)
        }
        raw(",\"upstream\":")
        string(upstream.upstream)
        raw("}")
    }

    // MARK: Scalars

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func number(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        number(UInt64(value.magnitude))
    }

    private mutating func number(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// A JSON string with `JSONEncoder`'s escapes: `\"`, `\\`, `\b \f \n \r \t`, other control
    /// characters as `\u00XX`; everything else (slashes too) as it is.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    raw("\\u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func date(_ date: Date) {
        if datesAsReferenceSeconds {
            bytes.append(contentsOf: "\(date.timeIntervalSinceReferenceDate)".utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        RFC3339Time.append(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}
