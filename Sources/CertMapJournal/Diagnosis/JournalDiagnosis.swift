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
        var builder = Builder(since: since)
        for event in events { builder.add(event) }
        self = builder.diagnosis
    }

    init(requests: Int, refused: Int, misattributed: Int, causes: [Cause], spoofing: Spoofing?, beforeDecision: [RefusalBeforeDecision], notes: [String]) {
        self.requests = requests
        self.refused = refused
        self.misattributed = misattributed
        self.causes = causes
        self.spoofing = spoofing
        self.beforeDecision = beforeDecision
        self.notes = notes
    }
}
