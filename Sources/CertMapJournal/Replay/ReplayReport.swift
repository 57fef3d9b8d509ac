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
    /// Replayed only to rebuild its connection's state (an earlier request of a selected
    /// connection); never counted as a change.
    public let context: Bool
    /// Then / now answered with an identity its own certificate does not map to.
    public let wasMisattributed: Bool
    /// "was" is another proxy's HTTP status from its access log (`certmap import log`), not a
    /// certmap decision: it has no substatus and no account, so only the status code compares.
    public let wasObserved: Bool
    public private(set) var nowMisattributed = false

    init(original: RequestRecord, now decision: Decision, certificateMissing: Bool, context: Bool = false) {
        self.init(original: original, nowStatus: decision.statusText, nowAccount: decision.account, nowReason: decision.reason, certificateMissing: certificateMissing, context: context)
        self.nowMisattributed = decision.facts?.misattribution != nil
    }

    /// A request re-sent over the network: what the server answered now (`X-CertMap-Decision`,
    /// `-Account`, `-Reason`), or nothing when it could not be re-sent.
    public init(original: RequestRecord, nowStatus: String, nowAccount: String?, nowReason: DecisionReason, certificateMissing: Bool, note: String? = nil, context: Bool = false) {
        self.connection = original.connection
        self.request = original.request
        self.method = original.method
        self.path = original.path
        self.identity = original.certificate?.commonName ?? original.observed?.certificateNotLogged
        self.was = original.observed.map { String($0.status) } ?? original.decision.statusText
        self.wasAccount = original.observed == nil ? original.decision.account : nil
        self.wasObserved = original.observed != nil
        self.now = nowStatus
        self.nowAccount = nowAccount
        self.nowReason = nowReason
        self.certificateMissing = certificateMissing
        self.note = note
        self.context = context
        self.wasMisattributed = original.decision.facts?.misattribution != nil
    }

    enum CodingKeys: String, CodingKey {
        case connection, request, method, path, identity, was, wasAccount, now, nowAccount, nowReason, certificateMissing, note, context
        case wasMisattributed, nowMisattributed, wasObserved
    }

    /// Reports written before context existed decode with `context` false.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(ConnectionID.self, forKey: .connection)
        request = try container.decode(Int.self, forKey: .request)
        method = try container.decode(String.self, forKey: .method)
        path = try container.decode(String.self, forKey: .path)
        identity = try container.decodeIfPresent(String.self, forKey: .identity)
        was = try container.decode(String.self, forKey: .was)
        wasAccount = try container.decodeIfPresent(String.self, forKey: .wasAccount)
        now = try container.decode(String.self, forKey: .now)
        nowAccount = try container.decodeIfPresent(String.self, forKey: .nowAccount)
        nowReason = try container.decode(DecisionReason.self, forKey: .nowReason)
        certificateMissing = try container.decode(Bool.self, forKey: .certificateMissing)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        context = try container.decodeIfPresent(Bool.self, forKey: .context) ?? false
        wasMisattributed = try container.decodeIfPresent(Bool.self, forKey: .wasMisattributed) ?? false
        nowMisattributed = try container.decodeIfPresent(Bool.self, forKey: .nowMisattributed) ?? false
        wasObserved = try container.decodeIfPresent(Bool.self, forKey: .wasObserved) ?? false
    }

    /// Whether the decision or the account differs (context never counts); against another
    /// proxy's logged status, whether the status code differs.
    public var changed: Bool {
        guard !context else { return false }
        if wasObserved { return was != String(now.prefix { $0 != "." }) }
        return was != now || wasAccount != nowAccount
    }

    /// `401.2 → 200 alice`.
    public var diff: String {
        "\(wasSummary) → \(nowSummary)"
    }

    /// `200 alice`, `401.2`: what the request got then.
    public var wasSummary: String { was + (wasAccount.map { " \($0)" } ?? "") }

    /// What it gets now.
    public var nowSummary: String { now + (nowAccount.map { " \($0)" } ?? "") }
}

/// The result of a replay: every request's `was → now` (or, for a replay of a whole journal, the
/// first rows and every changed one up to a limit) and a summary of the changes counted over
/// every request.
public struct ReplayReport: Codable, Hashable, Sendable {
    public let mode: String
    public let generation: UInt64
    /// The rows kept: all of them, unless the replay was built with a limit (`Builder`).
    public let outcomes: [ReplayOutcome]
    /// Requests in the session; more than were replayed when the replay was stopped.
    public let planned: Int
    /// The operator stopped the replay before its end.
    public let stopped: Bool
    /// The counts over every replayed request, kept rows or not.
    public let summary: ReplaySummary

    public init(mode: String, generation: UInt64, outcomes: [ReplayOutcome], planned: Int? = nil, stopped: Bool = false) {
        var summary = ReplaySummary()
        for outcome in outcomes { summary.count(outcome) }
        self.init(mode: mode, generation: generation, outcomes: outcomes, planned: planned ?? outcomes.count, stopped: stopped, summary: summary)
    }

    init(mode: String, generation: UInt64, outcomes: [ReplayOutcome], planned: Int, stopped: Bool, summary: ReplaySummary) {
        self.mode = mode
        self.generation = generation
        self.outcomes = outcomes
        self.planned = planned
        self.stopped = stopped
        self.summary = summary
    }

    private enum CodingKeys: String, CodingKey {
        case mode, generation, outcomes, planned, stopped, summary
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let outcomes = try container.decode([ReplayOutcome].self, forKey: .outcomes)
        var counted = ReplaySummary()
        for outcome in outcomes { counted.count(outcome) }
        self.init(
            mode: try container.decode(String.self, forKey: .mode), generation: try container.decode(UInt64.self, forKey: .generation), outcomes: outcomes,
            planned: try container.decode(Int.self, forKey: .planned), stopped: try container.decode(Bool.self, forKey: .stopped),
            summary: try container.decodeIfPresent(ReplaySummary.self, forKey: .summary) ?? counted)
    }

    /// Requests replayed (selected and context), kept as rows or not.
    public var replayedCount: Int { summary.replayed }

    /// Rows not kept (a replay of a whole journal keeps the first rows and the changed ones).
    public var omittedCount: Int { summary.replayed - outcomes.count }

    public var changedCount: Int { summary.changed }

    /// The outcomes that count: the selected requests, not their connections' context.
    public var comparedCount: Int { summary.replayed - summary.context }

    /// `3 of 8`, plus the context replayed alongside (`+ 2 context`), for summaries.
    public var changedOfCompared: String {
        "\(changedCount) of \(comparedCount)" + (summary.context > 0 ? " (+\(summary.context) earlier request(s) replayed as context)" : "")
    }

    /// Distinct transitions with their counts, most frequent first: `("401.2 → 200 alice", 5)`.
    public var transitions: [(diff: String, count: Int)] {
        summary.transitions.map { ($0.key, $0.value) }.sorted { ($0.count, $1.diff) > ($1.count, $0.diff) }
    }

    /// A report built one outcome at a time, keeping at most `rows` rows in order plus every
    /// changed row up to `rows` more, and counting all of them: a journal of any length replays
    /// in the same memory.
    public struct Builder: Sendable {
        private let mode: String
        private let generation: UInt64
        private let rows: Int
        private var kept: [ReplayOutcome] = []
        private var keptChanged = 0
        private var summary = ReplaySummary()

        public init(mode: String, generation: UInt64, rows: Int) {
            self.mode = mode
            self.generation = generation
            self.rows = rows
        }

        public mutating func add(_ outcome: ReplayOutcome) {
            summary.count(outcome)
            if kept.count < rows {
                kept.append(outcome)
            } else if outcome.changed, keptChanged < rows {
                kept.append(outcome)
                keptChanged += 1
            }
        }

        public func report(planned: Int, stopped: Bool) -> ReplayReport {
            ReplayReport(mode: mode, generation: generation, outcomes: kept, planned: planned, stopped: stopped, summary: summary)
        }
    }
}

/// What a replay counted over every request it replayed.
public struct ReplaySummary: Codable, Hashable, Sendable {
    /// Requests replayed, context included.
    public private(set) var replayed = 0
    /// Of those, replayed only as their connection's context.
    public private(set) var context = 0
    public private(set) var changed = 0
    /// Selected requests whose certificate could not be replayed (not in the journal, no key).
    public private(set) var certificateMissing = 0
    /// `was → now` of the changed requests, with their counts.
    public private(set) var transitions: [String: Int] = [:]

    public init() {}

    mutating func count(_ outcome: ReplayOutcome) {
        replayed += 1
        if outcome.context { context += 1 }
        if outcome.certificateMissing && !outcome.context { certificateMissing += 1 }
        if outcome.changed {
            changed += 1
            transitions[outcome.diff, default: 0] += 1
        }
    }
}
