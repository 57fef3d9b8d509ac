import CertMapCore
import Foundation

/// "Why did requests get 401/403?" answered for a whole journal: refusals grouped by cause with
/// counts, an example request and the fix, plus spoofed forwarded-certificate headers.
public struct JournalDiagnosis: Codable, Hashable, Sendable {
    public struct Cause: Codable, Hashable, Sendable {
        public let reason: DecisionReason
        public let decision: String
        public let title: String
        public let count: Int
        public let fix: String
        public let example: RequestRecord
    }

    public struct Spoofing: Codable, Hashable, Sendable {
        public let count: Int
        public let peers: [String]
        public let example: String
    }

    public let requests: Int
    public let refused: Int
    public let causes: [Cause]
    public let spoofing: Spoofing?

    /// Groups the refusals in `events` (optionally only those at or after `since`), most frequent first.
    public init(events: [CertMapEvent], since: Date? = nil) {
        let events = since.map { since in events.filter { $0.time >= since } } ?? events
        let records = events.compactMap { event -> RequestRecord? in
            if case .request(let record) = event.kind { return record }
            return nil
        }
        let refusals = records.filter { !$0.decision.isAllowed }
        let grouped = Dictionary(grouping: refusals, by: \.decision.reason)
        self.requests = records.count
        self.refused = refusals.count
        self.causes = grouped.map { reason, records in
            let entry = DiagnosisCatalog.entry(for: reason)
            return Cause(reason: reason, decision: reason.statusText, title: entry.title, count: records.count, fix: entry.fix, example: records[0])
        }.sorted { ($0.count, $1.reason.rawValue) > ($1.count, $0.reason.rawValue) }
        let spoofs = events.compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .spoof { return security }
            return nil
        }
        self.spoofing = spoofs.first.map { first in
            Spoofing(count: spoofs.count, peers: Array(Set(spoofs.map { $0.peer.components(separatedBy: ":").dropLast().joined(separator: ":") })).sorted(), example: first.message)
        }
    }
}
