/// What one planned request got back — the `X-CertMap-*` headers of the answer — or why it got
/// nothing (`error`). Failures are values so a scenario can count them next to the answers.
public struct RequestOutcome: Hashable, Sendable {
    public let request: PlannedRequest
    public let status: Int?
    /// `X-CertMap-Decision` (`200`, `401.2`, ...).
    public let decision: String?
    /// `X-CertMap-Account`.
    public let account: String?
    /// `X-CertMap-Reason` (`allowed`, `legacyResetWithoutRemap`, ...).
    public var reason: String? = nil
    /// `X-CertMap-Trace`, to look the decision up (`certmap explain --trace`, the console).
    public let traceID: String?
    public let error: String?
    /// Which connection of the plan carried it (1 for the first; a new one only after the
    /// server closed the previous one).
    public var connection: Int = 1

    public init(request: PlannedRequest, status: Int?, decision: String?, account: String?, traceID: String?, error: String?) {
        self.request = request
        self.status = status
        self.decision = decision
        self.account = account
        self.traceID = traceID
        self.error = error
    }

    /// A request that got no answer.
    static func failed(_ request: PlannedRequest, _ error: String, connection: Int) -> RequestOutcome {
        var outcome = RequestOutcome(request: request, status: nil, decision: nil, account: nil, traceID: nil, error: error)
        outcome.connection = connection
        return outcome
    }

    /// `200 alice`, `401.2`, `error: …`.
    public var summary: String {
        if let error { return "error: \(error)" }
        return [decision ?? status.map(String.init) ?? "?", account].compactMap { $0 }.joined(separator: " ")
    }
}
