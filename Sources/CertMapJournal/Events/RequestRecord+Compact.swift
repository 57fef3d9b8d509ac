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
        let table = decoder.userInfo[.journalShared] as? JournalSharedTable
        var certificate = try container.decodeIfPresent(CertificateSummary.self, forKey: .certificate)
        if let reference = try compact.decodeIfPresent(Int.self, forKey: .certificateRef) {
            guard let shared = table?.certificates[reference] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .certificateRef, in: compact, debugDescription: "refers to shared certificate \(reference), which this segment does not define")
            }
            certificate = shared
        }
        let stored = try container.decode(StoredDecision.self, forKey: .decision)
        let decision = try stored.decision(table: table) { step in
            switch step {
            case .inline(let step):
                return step
            case .shared(let id):
                guard let shared = table?.steps[id] else { throw CompactRecordError(description: "refers to shared trace step \(id), which this segment does not define") }
                return shared
            case .template(let name):
                guard let template = StepTemplate(rawValue: name),
                    let step = template.step(request: request, connection: connection, mode: mode, proxied: proxied)
                else { throw CompactRecordError(description: "unknown trace step template \"\(name)\" (mode \(mode))") }
                return step
            }
        }
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

/// A decision as stored: its trace in full (`trace`) or compact (`steps`).
private struct StoredDecision: Decodable {
    let reason: DecisionReason
    let account: String?
    let mapping: String?
    let generation: UInt64
    let facts: DecisionFacts?
    let factsRef: Int?
    let trace: DecisionTrace?
    let steps: [StoredStep]?

    func decision(table: JournalSharedTable?, resolving resolve: (StoredStep) throws -> TraceStep) throws -> Decision {
        var facts = self.facts
        if let factsRef {
            guard let shared = table?.facts[factsRef] else { throw CompactRecordError(description: "refers to shared decision facts \(factsRef), which this segment does not define") }
            facts = shared
        }
        guard let trace = try self.trace ?? steps.map({ DecisionTrace(steps: try $0.map(resolve)) }) else {
            throw CompactRecordError(description: "a decision without a trace")
        }
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: facts)
    }
}
