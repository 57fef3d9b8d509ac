import CertMapCore
import Foundation

// Reading a request record: the full form every writer of JSON but the journal uses, and the
// journal's compact form (`JournalLineEncoder`), whose certificate and trace steps refer to the
// scope's shared entries (`JournalSharedTable`, passed in `userInfo[.journalShared]`).
extension RequestRecord {
    private enum CompactKeys: String, CodingKey {
        case certificateRef
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let compact = try decoder.container(keyedBy: CompactKeys.self)
        let request = try container.decode(Int.self, forKey: .request)
        let connection = try container.decode(ConnectionID.self, forKey: .connection)
        let mode = try container.decode(String.self, forKey: .mode)
        let proxied = try container.decode(Bool.self, forKey: .proxied)
        // Outside a journal there is no table: any reference is then to an entry nobody defined.
        let table = decoder.userInfo[.journalShared] as? JournalSharedTable ?? JournalSharedTable()
        var certificate = try container.decodeIfPresent(CertificateSummary.self, forKey: .certificate)
        if let reference = try compact.decodeIfPresent(Int.self, forKey: .certificateRef) {
            certificate = try table.certificate(reference)
        }
        let decision = try container.decode(StoredDecision.self, forKey: .decision)
            .decision(in: table, request: request, connection: connection, mode: mode, proxied: proxied)
        self.init(
            traceID: try container.decode(String.self, forKey: .traceID), connection: connection, request: request,
            method: try container.decode(String.self, forKey: .method), path: try container.decode(String.self, forKey: .path),
            peer: try container.decode(String.self, forKey: .peer), route: try container.decode(String.self, forKey: .route), proxied: proxied,
            mode: mode, certificateSource: try container.decode(String.self, forKey: .certificateSource), certificate: certificate, decision: decision,
            durationMicros: try container.decode(Int.self, forKey: .durationMicros), run: try container.decodeIfPresent(String.self, forKey: .run),
            upstream: try container.decodeIfPresent(UpstreamOutcome.self, forKey: .upstream),
            observed: try container.decodeIfPresent(ObservedAnswer.self, forKey: .observed))
    }
}

/// A step of a compact trace as stored: a shared entry's number, a template's word, or the step.
enum StoredStep: Decodable {
    case shared(Int)
    case template(String)
    case inline(TraceStep)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(Int.self) {
            self = .shared(id)
        } else if let name = try? container.decode(String.self) {
            self = .template(name)
        } else {
            self = .inline(try container.decode(TraceStep.self))
        }
    }
}

extension StoredStep {
    /// The step this stands for in the record with these numbers, against the scope's `table`.
    func resolve(in table: JournalSharedTable, request: Int, connection: ConnectionID, mode: String, proxied: Bool) throws -> TraceStep {
        switch self {
        case .inline(let step):
            return step
        case .shared(let id):
            return try table.step(id)
        case .template(let name):
            guard let template = StepTemplate(rawValue: name), let step = template.step(request: request, connection: connection, mode: mode, proxied: proxied)
            else { throw CompactRecordError(description: "unknown trace step template \"\(name)\" (mode \(mode))") }
            return step
        }
    }
}

/// A decision as stored: its trace in full (`trace`) or compact (`steps`), its facts in full or
/// as a shared entry (`factsRef`). Both readers of the journal make one (`JSONDecoder` and
/// `JournalFastDecoder`), and it becomes a `Decision` against the scope's table.
struct StoredDecision: Decodable {
    var reason: DecisionReason
    var account: String?
    var mapping: String?
    var generation: UInt64
    var facts: DecisionFacts?
    var factsRef: Int?
    var trace: DecisionTrace?
    var steps: [StoredStep]?

    /// The decision of the record with these numbers (templates are made of them).
    func decision(in table: JournalSharedTable, request: Int, connection: ConnectionID, mode: String, proxied: Bool) throws -> Decision {
        let facts = try factsRef.map(table.facts) ?? self.facts
        let resolved = try steps.map { steps in
            DecisionTrace(steps: try steps.map { try $0.resolve(in: table, request: request, connection: connection, mode: mode, proxied: proxied) })
        }
        guard let trace = trace ?? resolved else { throw CompactRecordError(description: "a decision without a trace") }
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: facts)
    }
}
