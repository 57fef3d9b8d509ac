import CertMapCore
import Foundation

/// The shared entries of the journal scope being read (see `JournalLineEncoder`): the trace
/// steps, certificate summaries and decision facts that compact request records refer to by number.
///
/// A reader keeps one per segment and hands it to the decoder (`userInfo[.journalShared]`);
/// entry 1 starts a new scope. Steps read once are shared by every record that refers to them,
/// so a long journal in memory holds each distinct step once.
public final class JournalSharedTable: @unchecked Sendable {
    private(set) var steps: [Int: TraceStep] = [:]
    private(set) var certificates: [Int: CertificateSummary] = [:]
    private(set) var facts: [Int: DecisionFacts] = [:]

    public init() {}

    /// Adds an entry; entry 1 first forgets the previous scope's.
    func define(_ entry: SharedEntry) {
        if entry.id == 1 {
            steps.removeAll(keepingCapacity: true)
            certificates.removeAll(keepingCapacity: true)
            facts.removeAll(keepingCapacity: true)
        }
        if let step = entry.step { steps[entry.id] = step }
        if let certificate = entry.certificate { certificates[entry.id] = certificate }
        if let entryFacts = entry.facts { facts[entry.id] = entryFacts }
    }

    /// Entry `id` as a trace step, certificate summary or decision facts; a reference to an entry
    /// the scope does not define (a line lost before it) says so.
    func step(_ id: Int) throws -> TraceStep {
        guard let step = steps[id] else { throw Self.undefined("trace step", id) }
        return step
    }

    func certificate(_ id: Int) throws -> CertificateSummary {
        guard let certificate = certificates[id] else { throw Self.undefined("certificate", id) }
        return certificate
    }

    func facts(_ id: Int) throws -> DecisionFacts {
        guard let entryFacts = facts[id] else { throw Self.undefined("decision facts", id) }
        return entryFacts
    }

    private static func undefined(_ kind: String, _ id: Int) -> CompactRecordError {
        CompactRecordError(description: "refers to shared \(kind) \(id), which this segment does not define")
    }
}

/// One `shared` line of the journal: entry `id` of its scope, a trace step, a certificate
/// summary or a decision's facts.
struct SharedEntry: Codable, Hashable {
    let id: Int
    let step: TraceStep?
    let certificate: CertificateSummary?
    let facts: DecisionFacts?
}

/// The line's `{"sequence":…,"shared":{…},"time":…,"type":"shared"}` wrapper.
struct SharedLine: Decodable {
    let shared: SharedEntry
}

extension CodingUserInfoKey {
    /// The `JournalSharedTable` compact request records are resolved against.
    public static let journalShared = CodingUserInfoKey(rawValue: "certmap.journalShared")!
}

/// Why a compact record could not be read back.
struct CompactRecordError: Error, CustomStringConvertible {
    let description: String
}
