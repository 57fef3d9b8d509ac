import CertMapCore
import Foundation

/// "Why did requests get 401/403 — or someone else's identity?" answered for a whole journal:
/// every request that needs attention grouped by its diagnosis (the cause, not the status: two
/// 401.2s for different reasons are two groups, and a misattributed 200 is a group of its own),
/// with counts, the example's cause in words and the fix, plus spoofed forwarded-certificate
/// headers.
public struct JournalDiagnosis: Codable, Hashable, Sendable {
    /// One group of requests that share a diagnosis: how many, and an example with its cause in
    /// words and the fix.
    public struct Cause: Codable, Hashable, Sendable {
        public let kind: Diagnosis.Kind
        public let reason: DecisionReason
        /// The status of the example (`401.2`; `200` for a misattribution).
        public let decision: String
        public let title: String
        public let count: Int
        /// The example's cause, with its specifics.
        public let cause: String
        public let fix: String
        public let evidence: [String]
        public let example: RequestRecord
        /// When the example was recorded.
        public let exampleTime: Date?
    }

    /// The spoofed forwarded-certificate headers in the journal: how many, from which peers, and
    /// one example.
    public struct Spoofing: Codable, Hashable, Sendable {
        public let count: Int
        public let peers: [String]
        public let example: String
    }

    public let requests: Int
    public let refused: Int
    /// Answered 200 with another user's identity.
    public let misattributed: Int
    public let causes: [Cause]
    public let spoofing: Spoofing?
    /// Connections and requests refused before any decision (TLS, malformed HTTP, refused
    /// targets, limits, malformed forwarded headers), grouped with their fix.
    public let beforeDecision: [RefusalBeforeDecision]
    /// What limits the picture: events the journal could not record (a full disk), CRLs the
    /// server reported past their nextUpdate. One sentence each.
    public let notes: [String]

    /// Groups the refusals in `events` (optionally only those at or after `since`), most frequent first.
    public init(events: [CertMapEvent], since: Date? = nil) {
        let events = since.map { since in events.filter { $0.time >= since } } ?? events
        // Each request with the time it was recorded (an example says when it happened; trace ids
        // of older journals repeat across runs, so the time travels with the record).
        let records = events.compactMap { event -> (record: RequestRecord, time: Date)? in
            if case .request(let record) = event.kind { return (record, event.time) }
            return nil
        }
        let diagnosed = records.map { ($0.record, Diagnosis(record: $0.record), $0.time) }.filter { $0.1.needsAttention }
        self.requests = records.count
        self.refused = records.filter { !$0.record.decision.isAllowed }.count
        self.misattributed = diagnosed.filter { $0.1.kind == .misattributed }.count
        var order: [Diagnosis.Kind] = []
        var groups: [Diagnosis.Kind: [(RequestRecord, Diagnosis, Date)]] = [:]
        for item in diagnosed {
            if groups[item.1.kind] == nil { order.append(item.1.kind) }
            groups[item.1.kind, default: []].append(item)
        }
        self.causes = order.compactMap { kind -> Cause? in
            guard let members = groups[kind], let (example, diagnosis, time) = members.first else { return nil }
            return Cause(
                kind: kind, reason: example.decision.reason, decision: example.decision.statusText, title: diagnosis.title, count: members.count,
                cause: diagnosis.cause, fix: diagnosis.fix, evidence: diagnosis.evidence, example: example, exampleTime: time)
        }.sorted { ($0.count, $1.kind.rawValue) > ($1.count, $0.kind.rawValue) }
        self.beforeDecision = RefusalBeforeDecision.group(events.compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind { return security }
            return nil
        })
        let spoofs = events.compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
        var notes: [String] = []
        var staleCRLs: [String] = []
        for event in events {
            switch event.kind {
            case .system(let system):
                if let gap = JournalGap(message: system.message), gap.events > 0 {
                    notes.append("the journal misses \(gap.events) event(s) from \(RFC3339Time.string(gap.from)) to \(RFC3339Time.string(gap.to)) (it could not be written, e.g. a full disk): counts above leave them out")
                }
            case .security(let security) where security.category == .staleCRL:
                if !staleCRLs.contains(security.message) { staleCRLs.append(security.message) }
            default:
                break
            }
        }
        self.notes = notes + staleCRLs.map { "stale CRL reported by the server: \($0)" }
        self.spoofing = spoofs.first.map { first in
            Spoofing(count: spoofs.count, peers: Array(Set(spoofs.map { $0.peer.components(separatedBy: ":").dropLast().joined(separator: ":") })).sorted(), example: first.message)
        }
    }
}
