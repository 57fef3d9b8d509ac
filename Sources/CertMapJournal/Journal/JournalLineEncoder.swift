import CertMapCore
import Foundation

/// Turns events into the journal's lines, writing each request in the compact form: its
/// certificate summary, its decision's facts and every trace step that repeats (the chain checked, the mapping
/// tried, the authorization) are stored once per *scope* as `shared` lines and referred to by
/// number; steps made of the request's own numbers are stored as a `StepTemplate` word.
///
/// A request that spelled everything out took 3.1 KB of JSON; the compact record takes a sixth
/// of that (docs/benchmarks.md, "The journal's compact record"), and reads back into exactly the
/// record that was written (`JournalReader`, `CompactRecordTests`).
///
/// A scope starts with the encoder and again at `startScope()` (every new segment, and after
/// buffered lines were dropped), and its first shared entry is number 1: a reader clears its
/// table when it meets entry 1, so every segment — and every run appended to one — can be read
/// on its own. The table holds at most `maxSharedEntries` entries and `maxSharedBytes` bytes;
/// past that, steps are written inline.
public struct JournalLineEncoder {
    public static let defaultMaxSharedEntries = 20_000
    public static let defaultMaxSharedBytes = 8 << 20

    private let maxSharedEntries: Int
    private let maxSharedBytes: Int

    private var lines = EventJSONWriter()
    /// Steps stored in this scope, by value: two steps are equal exactly when they read the same
    /// (`TraceMessage` compares its words), which is when their JSON is the same — so a step
    /// seen before is found without writing it out again.
    private var steps: [TraceStep: Int] = [:]
    private var certificates: [CertificateSummary: Int] = [:]
    private var facts: [DecisionFacts: Int] = [:]
    private var nextID = 1
    private var sharedBytes = 0

    public init(maxSharedEntries: Int = defaultMaxSharedEntries, maxSharedBytes: Int = defaultMaxSharedBytes) {
        self.maxSharedEntries = maxSharedEntries
        self.maxSharedBytes = maxSharedBytes
    }

    /// Forgets the shared entries: the next request defines what it refers to again, from 1.
    public mutating func startScope() {
        steps.removeAll(keepingCapacity: true)
        certificates.removeAll(keepingCapacity: true)
        facts.removeAll(keepingCapacity: true)
        nextID = 1
        sharedBytes = 0
    }

    /// Appends `event` as a line (a request preceded by the shared entries it is the first to use).
    public mutating func append(_ event: CertMapEvent, to output: inout Data) throws {
        guard case .request(let record) = event.kind else {
            try lines.append(event, to: &output)
            return
        }
        var parts = CompactRequestParts(certificate: nil, facts: nil, steps: [])
        parts.steps.reserveCapacity(record.decision.trace.steps.count)
        for step in record.decision.trace.steps {
            if let template = StepTemplate(step, in: record) {
                parts.steps.append(.template(template))
                continue
            }
            if let id = steps[step] {
                parts.steps.append(.shared(id))
                continue
            }
            let json = lines.json(of: step)
            if let id = reserve(json.count) {
                steps[step] = id
                lines.appendShared(id: id, step: json, sequence: event.sequence, time: event.time, to: &output)
                parts.steps.append(.shared(id))
            } else {
                parts.steps.append(.inline(json))
            }
        }
        if let certificate = record.certificate {
            if let id = certificates[certificate] {
                parts.certificate = id
            } else if let id = reserve(certificate.subject.utf8.count + certificate.issuer.utf8.count + 200) {
                certificates[certificate] = id
                lines.appendShared(id: id, certificate: certificate, sequence: event.sequence, time: event.time, to: &output)
                parts.certificate = id
            }
        }
        if let decisionFacts = record.decision.facts {
            if let id = facts[decisionFacts] {
                parts.facts = id
            } else if case let json = try lines.json(of: decisionFacts), let id = reserve(json.count) {
                facts[decisionFacts] = id
                lines.appendShared(id: id, facts: json, sequence: event.sequence, time: event.time, to: &output)
                parts.facts = id
            }
        }
        try lines.appendCompact(record, parts, sequence: event.sequence, time: event.time, to: &output)
    }

    /// The next entry number, when the table has room for `bytes` more.
    private mutating func reserve(_ bytes: Int) -> Int? {
        guard nextID <= maxSharedEntries, sharedBytes + bytes <= maxSharedBytes else { return nil }
        defer { nextID += 1 }
        sharedBytes += bytes
        return nextID
    }
}
