import CertMapCore

/// One replayed request: what it got then and what it gets now.
public struct ReplayOutcome: Codable, Hashable, Sendable {
    public let connection: ConnectionID
    public let request: Int
    public let method: String
    public let path: String
    public let identity: String?
    public let was: String
    public let wasAccount: String?
    public let now: String
    public let nowAccount: String?
    public let nowReason: DecisionReason
    /// The request presented a certificate the journal no longer holds (rotated away); it was
    /// replayed without one.
    public let certificateMissing: Bool
    /// Why this outcome may not be comparable (e.g. it went on a new connection).
    public let note: String?

    init(original: RequestRecord, now decision: Decision, certificateMissing: Bool) {
        self.init(original: original, nowStatus: decision.statusText, nowAccount: decision.account, nowReason: decision.reason, certificateMissing: certificateMissing)
    }

    /// A request re-sent over the network: what the server answered now (`X-CertMap-Decision`,
    /// `-Account`, `-Reason`), or nothing when it could not be re-sent.
    public init(original: RequestRecord, nowStatus: String, nowAccount: String?, nowReason: DecisionReason, certificateMissing: Bool, note: String? = nil) {
        self.connection = original.connection
        self.request = original.request
        self.method = original.method
        self.path = original.path
        self.identity = original.certificate?.commonName
        self.was = original.decision.statusText
        self.wasAccount = original.decision.account
        self.now = nowStatus
        self.nowAccount = nowAccount
        self.nowReason = nowReason
        self.certificateMissing = certificateMissing
        self.note = note
    }

    /// Whether the decision or the account differs.
    public var changed: Bool { was != now || wasAccount != nowAccount }

    /// `401.2 → 200 alice`.
    public var diff: String {
        "\(wasSummary) → \(nowSummary)"
    }

    /// `200 alice`, `401.2`: what the request got then.
    public var wasSummary: String { was + (wasAccount.map { " \($0)" } ?? "") }

    /// What it gets now.
    public var nowSummary: String { now + (nowAccount.map { " \($0)" } ?? "") }
}

/// The result of a replay: every request's `was → now` and a summary of the changes.
public struct ReplayReport: Codable, Hashable, Sendable {
    public let mode: String
    public let generation: UInt64
    public let outcomes: [ReplayOutcome]
    /// Requests in the session; more than `outcomes` when the replay was stopped.
    public let planned: Int
    /// The operator stopped the replay before its end.
    public let stopped: Bool

    public init(mode: String, generation: UInt64, outcomes: [ReplayOutcome], planned: Int? = nil, stopped: Bool = false) {
        self.mode = mode
        self.generation = generation
        self.outcomes = outcomes
        self.planned = planned ?? outcomes.count
        self.stopped = stopped
    }

    public var changedCount: Int { outcomes.filter(\.changed).count }

    /// Distinct transitions with their counts, most frequent first: `("401.2 → 200 alice", 5)`.
    public var transitions: [(diff: String, count: Int)] {
        Dictionary(grouping: outcomes.filter(\.changed), by: \.diff)
            .map { ($0.key, $0.value.count) }
            .sorted { ($0.count, $1.diff) > ($1.count, $0.diff) }
    }
}
