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
    public private(set) var trace: DecisionTrace
    /// The configuration generation the decision was made under.
    public let generation: UInt64
    /// Typed facts behind the decision (trust problem, misattribution, near misses), when any.
    public var facts: DecisionFacts? { factsBox.first }
    /// Zero or one element: the facts live on the heap, so a decision (returned, stored and
    /// copied on every request) stays a few words long whether or not it has any.
    private let factsBox: [DecisionFacts]

    public init(reason: DecisionReason, account: String?, mapping: String?, trace: DecisionTrace, generation: UInt64, facts: DecisionFacts? = nil) {
        self.reason = reason
        self.account = account
        self.mapping = mapping
        self.trace = trace
        self.generation = generation
        self.factsBox = facts.flatMap { $0.isEmpty ? nil : [$0] } ?? []
    }

    private enum CodingKeys: String, CodingKey {
        case reason, account, mapping, trace, generation, facts
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reason: try container.decode(DecisionReason.self, forKey: .reason),
            account: try container.decodeIfPresent(String.self, forKey: .account),
            mapping: try container.decodeIfPresent(String.self, forKey: .mapping),
            trace: try container.decode(DecisionTrace.self, forKey: .trace),
            generation: try container.decode(UInt64.self, forKey: .generation),
            facts: try container.decodeIfPresent(DecisionFacts.self, forKey: .facts))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(account, forKey: .account)
        try container.encodeIfPresent(mapping, forKey: .mapping)
        try container.encode(trace, forKey: .trace)
        try container.encode(generation, forKey: .generation)
        try container.encodeIfPresent(facts, forKey: .facts)
    }

    /// The same decision with `facts` merged in (a misattribution found after deciding).
    public func adding(_ more: DecisionFacts) -> Decision {
        var merged = facts ?? DecisionFacts()
        merged.trust = merged.trust ?? more.trust
        merged.misattribution = merged.misattribution ?? more.misattribution
        merged.nearMisses += more.nearMisses
        merged.strippedHeaders = merged.strippedHeaders ?? more.strippedHeaders
        merged.forwarded = merged.forwarded ?? more.forwarded
        merged.refusedAccount = merged.refusedAccount ?? more.refusedAccount
        merged.proxySlip = merged.proxySlip ?? more.proxySlip
        merged.resourceRequirement = merged.resourceRequirement ?? more.resourceRequirement
        merged.forwarderHeadersWithoutCertificate = merged.forwarderHeadersWithoutCertificate ?? more.forwarderHeadersWithoutCertificate
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: merged)
    }

    /// The same decision with one more step at the end of its trace (the reset after the request).
    /// Adds `step` at the end of the trace in place (no copy of the trace when the decision is
    /// not shared): the server appends the reset that follows a request so.
    public mutating func append(_ step: TraceStep) {
        trace.record([step])
    }

    public func appending(_ step: TraceStep) -> Decision {
        var trace = trace
        trace.record([step])
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: facts)
    }

    /// The reason in words, narrowed by what the decision knew: a certificate refused for its
    /// extended key usage chains to a trusted root, so "not trusted" would be false of it.
    public var summary: String {
        if case .notForClientAuthentication? = facts?.trust { return DecisionFacts.notForClientAuthenticationSummary }
        return reason.summary
    }

    public var status: Int { reason.status }
    public var substatus: Int? { reason.substatus }
    public var isAllowed: Bool { reason.status == 200 }
    /// `200`, `401.2`, ... (the `X-CertMap-Decision` header).
    public var statusText: String { reason.statusText }
}
