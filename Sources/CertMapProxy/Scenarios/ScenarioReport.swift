import Foundation

/// What a scenario run produced: counts per decision (`200`, `401.2`, `403.16`, `error`) and per
/// route, every misattributed request — a response carrying an account other than the one the
/// client's own certificate maps to, shown with who got whose identity and the trace id, never
/// hidden — forged identities accepted, errors, and the elapsed time.
public struct ScenarioReport: Codable, Hashable, Sendable {
    /// One response that carried someone else's identity.
    public struct Misattribution: Codable, Hashable, Sendable {
        /// The client's identity (`load-07`).
        public let identity: String
        /// The account its own certificate maps to (nil: none).
        public let expected: String?
        /// The account the response carried.
        public let got: String
        public let route: String
        public let path: String
        public let traceID: String?
    }

    public let scenario: String
    public let mode: String
    public var requests = 0
    public var byDecision: [String: Int] = [:]
    public var byRoute: [String: Int] = [:]
    public var errors = 0
    /// Distinct error messages with their counts (at most `maxErrorKinds` kinds).
    public var errorMessages: [String: Int] = [:]
    public var misattributions: [Misattribution] = []
    /// Requests with forged forwarded-certificate headers that were answered as someone else.
    public var forgedAccepted = 0
    public var elapsedSeconds = 0.0
    /// The run stopped at its request or time bound before sending everything.
    public var truncated = false
    /// What the run set out to send, so the report can say what ran against what was asked.
    public var plan: Plan?

    /// The requests a run planned: the scenario's plan, how many rounds of it, and the bound.
    public struct Plan: Codable, Hashable, Sendable {
        /// Requests in one round of the scenario's plan (its groups, connections and paths).
        public var requestsPerRound: Int
        public var rounds: Int
        /// Requests planned in all (rounds × plan, cut at the bound).
        public var planned: Int
        /// The request bound (`maxRequests`, `--requests`).
        public var bound: Int

        public init(requestsPerRound: Int, rounds: Int, planned: Int, bound: Int) {
            self.requestsPerRound = requestsPerRound
            self.rounds = rounds
            self.planned = planned
            self.bound = bound
        }

        /// One sentence, or nil when the run planned exactly one round within the bound.
        public var sentence: String? {
            if rounds > 1 {
                return "planned \(planned) request(s): \(rounds) rounds of the scenario's \(requestsPerRound)-request plan, up to the bound of \(bound)"
            }
            if planned < bound {
                return "planned \(planned) request(s): the scenario's whole plan, below the bound of \(bound)"
            }
            return nil
        }
    }
    /// The run was stopped from outside (`ScenarioControl.stop()`, cancellation).
    public var stopped = false

    static let maxErrorKinds = 20

    public init(scenario: String, mode: String) {
        self.scenario = scenario
        self.mode = mode
    }

    /// Why the run failed, in one line; nil when nothing that must never happen happened.
    public var verdict: String? {
        var reasons: [String] = []
        if forgedAccepted > 0 {
            reasons.append("\(forgedAccepted) forged identit\(forgedAccepted == 1 ? "y was" : "ies were") accepted from forwarded-certificate headers of an untrusted client")
        }
        let leaks = misattributions.count - forgedAccepted
        if leaks > 0 {
            reasons.append("\(leaks) request(s) were answered with another user's identity")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Whether the scenario found what must never happen.
    public var failed: Bool { verdict != nil }

    /// Counts one outcome. `expected` is the account the client's own certificate maps to;
    /// `forged` says the request carried forged forwarded-certificate headers.
    mutating func record(_ outcome: RequestOutcome, identity: String, route: ClientRoute, expected: String?, forged: Bool) {
        requests += 1
        byRoute[route.rawValue, default: 0] += 1
        if let error = outcome.error {
            errors += 1
            byDecision["error", default: 0] += 1
            if errorMessages[error] != nil || errorMessages.count < Self.maxErrorKinds { errorMessages[error, default: 0] += 1 }
            return
        }
        byDecision[outcome.decision ?? outcome.status.map(String.init) ?? "?", default: 0] += 1
        if let account = outcome.account, account != expected {
            misattributions.append(Misattribution(identity: identity, expected: expected, got: account, route: route.rawValue, path: outcome.request.path, traceID: outcome.traceID))
            if forged { forgedAccepted += 1 }
        }
    }

    /// The summary table printed by `certmap scenario run`.
    public var text: String {
        let ending = stopped ? " (stopped)" : truncated ? " (stopped at its bound)" : ""
        var lines = ["scenario \(scenario) under \(mode): \(requests) request(s) in \(String(format: "%.1f", elapsedSeconds)) s\(ending)"]
        if let sentence = plan?.sentence { lines.append(sentence) }
        lines.append("")
        lines.append("decision   count")
        lines += byDecision.sorted { $0.key < $1.key }.map { $0.key.padding(toLength: 11, withPad: " ", startingAt: 0) + "\($0.value)" }
        lines += ["", "route      count"]
        lines += byRoute.sorted { $0.key < $1.key }.map { $0.key.padding(toLength: 11, withPad: " ", startingAt: 0) + "\($0.value)" }
        lines.append("")
        if misattributions.isEmpty {
            lines.append("misattributed: 0 (every answer carried the client's own account, or none)")
        } else {
            lines.append("misattributed: \(misattributions.count) — responses carried another user's identity:")
            for item in misattributions.prefix(10) {
                lines.append("  \(item.identity) (\(item.route) \(item.path)) was answered as \(item.got), expected \(item.expected ?? "no account")\(item.traceID.map { " [trace \($0)]" } ?? "")")
            }
            if misattributions.count > 10 { lines.append("  … and \(misattributions.count - 10) more") }
        }
        if forgedAccepted > 0 { lines.append("forged identities accepted: \(forgedAccepted)") }
        if errors > 0 {
            lines.append("errors: \(errors) request(s) got no answer:")
            lines += errorMessages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { "  \($0.value) × \($0.key)" }
        }
        return lines.joined(separator: "\n")
    }
}
