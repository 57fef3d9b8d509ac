/// The answer to one request: who it is (if anyone), the status to send, why, and the evidence.
///
/// A pure value: the server turns it into a response and headers, the journal stores it, the
/// console shows it, replay diffs two of them.
public struct Decision: Hashable, Sendable, Codable {
    public let reason: DecisionReason
    /// The account the request runs as; nil when denied or anonymous.
    public let account: String?
    /// The mapping that decided, by name (`one-to-one "alice laptop"`), when one did.
    public let mapping: String?
    public let trace: DecisionTrace
    /// The configuration generation the decision was made under.
    public let generation: UInt64
    /// Typed facts behind the decision (trust problem, misattribution, near misses), when any.
    public let facts: DecisionFacts?

    public init(reason: DecisionReason, account: String?, mapping: String?, trace: DecisionTrace, generation: UInt64, facts: DecisionFacts? = nil) {
        self.reason = reason
        self.account = account
        self.mapping = mapping
        self.trace = trace
        self.generation = generation
        self.facts = facts.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The same decision with `facts` merged in (a misattribution found after deciding).
    public func adding(_ more: DecisionFacts) -> Decision {
        var merged = facts ?? DecisionFacts()
        merged.trust = merged.trust ?? more.trust
        merged.misattribution = merged.misattribution ?? more.misattribution
        merged.nearMisses += more.nearMisses
        merged.strippedHeaders = merged.strippedHeaders ?? more.strippedHeaders
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: merged)
    }

    public var status: Int { reason.status }
    public var substatus: Int? { reason.substatus }
    public var isAllowed: Bool { reason.status == 200 }
    /// `200`, `401.2`, ... (the `X-CertMap-Decision` header).
    public var statusText: String { reason.statusText }
}
