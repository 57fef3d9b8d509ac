import CertMapCore
import Foundation

extension JournalDiagnosis {
    /// A journal's diagnosis built one event at a time in the same memory whatever the journal's
    /// length: counts per cause with the first example of each (its diagnosis in words is made
    /// once, for the example), the refusals before a decision grouped as they come, spoofing
    /// counted with its peers, notes kept once each.
    ///
    /// `certmap diagnose` feeds it from `JournalReader.stream`, so a day of traffic is never held
    /// in memory; `JournalDiagnosis(events:)` feeds it from an array.
    public struct Builder: Sendable {
        private struct Group: Sendable {
            var count: Int
            let example: RequestRecord
            let diagnosis: Diagnosis
            let time: Date
        }

        private let since: Date?
        private var requests = 0
        private var refused = 0
        private var order: [Diagnosis.Kind] = []
        private var groups: [Diagnosis.Kind: Group] = [:]
        private var beforeDecision = RefusalBeforeDecision.Grouping()
        private var spoofCount = 0
        private var spoofPeers: Set<String> = []
        private var spoofExample: String?
        private var gapNotes: [String] = []
        private var staleCRLs: [String] = []
        /// Diagnoses already made, by what they are made of: the words of a cause are built once
        /// per distinct decision, not once per request.
        private var memo: [DiagnosisKey: Diagnosis] = [:]
        private static let memoCapacity = 4_096

        /// Only events at or after `since` count, when given.
        public init(since: Date? = nil) {
            self.since = since
        }

        public mutating func add(_ event: CertMapEvent) {
            if let since, event.time < since { return }
            switch event.kind {
            case .request(let record):
                add(record, time: event.time)
            case .security(let security):
                beforeDecision.add(security)
                if security.category == .spoof {
                    spoofCount += 1
                    if spoofPeers.count < 1_000 { spoofPeers.insert(security.peer.components(separatedBy: ":").dropLast().joined(separator: ":")) }
                    if spoofExample == nil { spoofExample = security.message }
                } else if security.category == .staleCRL, !staleCRLs.contains(security.message), staleCRLs.count < 100 {
                    staleCRLs.append(security.message)
                }
            case .system(let system):
                if let gap = JournalGap(message: system.message), gap.events > 0 {
                    gapNotes.append("the journal misses \(gap.events) event(s) from \(RFC3339Time.string(gap.from)) to \(RFC3339Time.string(gap.to)) (it could not be written, e.g. a full disk): counts above leave them out")
                }
            default:
                break
            }
        }

        private mutating func add(_ record: RequestRecord, time: Date) {
            requests += 1
            if !record.decision.isAllowed { refused += 1 }
            // Most requests are simply allowed: decided without building what a diagnosis reads.
            guard Diagnosis.needsAttention(record.decision, upstreamFailure: record.upstream?.failure) else { return }
            let request = Diagnosis.Request(record: record)
            let key = DiagnosisKey(decision: record.decision, request: request)
            let diagnosis: Diagnosis
            if let known = memo[key] {
                diagnosis = known
            } else {
                diagnosis = Diagnosis(record.decision, for: request)
                if memo.count >= Self.memoCapacity { memo.removeAll(keepingCapacity: true) }
                memo[key] = diagnosis
            }
            if var group = groups[diagnosis.kind] {
                group.count += 1
                groups[diagnosis.kind] = group
            } else {
                order.append(diagnosis.kind)
                groups[diagnosis.kind] = Group(count: 1, example: record, diagnosis: diagnosis, time: time)
            }
        }

        /// The diagnosis of everything added so far.
        public var diagnosis: JournalDiagnosis {
            let causes = order.compactMap { kind -> Cause? in
                guard let group = groups[kind] else { return nil }
                let example = group.example
                return Cause(
                    kind: kind, reason: example.decision.reason, decision: example.decision.statusText, title: group.diagnosis.title, count: group.count,
                    cause: group.diagnosis.cause, fix: group.diagnosis.fix, evidence: group.diagnosis.evidence, example: example, exampleTime: group.time)
            }.sorted { ($0.count, $1.kind.rawValue) > ($1.count, $0.kind.rawValue) }
            return JournalDiagnosis(
                requests: requests, refused: refused, misattributed: groups[.misattributed]?.count ?? 0, causes: causes,
                spoofing: spoofExample.map { Spoofing(count: spoofCount, peers: spoofPeers.sorted(), example: $0) },
                beforeDecision: beforeDecision.groups, notes: gapNotes + staleCRLs.map { "stale CRL reported by the server: \($0)" })
        }
    }
}

/// What a diagnosis is made of: the decision without its trace (the rules read its reason,
/// account, mapping and facts, never the trace) and what the diagnosis knows of the request.
private struct DiagnosisKey: Hashable, Sendable {
    let reason: DecisionReason
    let account: String?
    let mapping: String?
    let facts: DecisionFacts?
    let request: Diagnosis.Request

    init(decision: Decision, request: Diagnosis.Request) {
        self.reason = decision.reason
        self.account = decision.account
        self.mapping = decision.mapping
        self.facts = decision.facts
        self.request = request
    }
}
