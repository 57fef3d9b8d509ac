import Foundation

/// What a scenario run produced: counts per decision and route, and every misattributed
/// request (a response carrying an account other than the one the client's own certificate
/// maps to) — the leak is shown, not hidden.
public struct ScenarioReport: Codable, Hashable, Sendable {
    public struct Misattribution: Codable, Hashable, Sendable {
        public let identity: String
        public let expected: String?
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
    public var misattributions: [Misattribution] = []
    /// Requests with forged forwarded-certificate headers that were answered as the forged identity.
    public var forgedAccepted = 0
    public var elapsedSeconds = 0.0
    /// The run stopped at its request or time bound before finishing.
    public var truncated = false

    public init(scenario: String, mode: String) {
        self.scenario = scenario
        self.mode = mode
    }

    /// Whether the scenario found what must never happen.
    public var failed: Bool { !misattributions.isEmpty || forgedAccepted > 0 }

    mutating func record(_ outcome: RequestOutcome, identity: String, route: ClientRoute, expected: String?, forged: Bool) {
        requests += 1
        byRoute[route.rawValue, default: 0] += 1
        if outcome.error != nil {
            errors += 1
            byDecision["error", default: 0] += 1
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
        var lines = ["scenario \(scenario) under \(mode): \(requests) request(s) in \(String(format: "%.1f", elapsedSeconds)) s\(truncated ? " (stopped at its bound)" : "")"]
        lines.append("")
        lines.append("decision   count")
        for (decision, count) in byDecision.sorted(by: { $0.key < $1.key }) {
            lines.append(decision.padding(toLength: 11, withPad: " ", startingAt: 0) + "\(count)")
        }
        lines.append("")
        lines.append("route      count")
        for (route, count) in byRoute.sorted(by: { $0.key < $1.key }) {
            lines.append(route.padding(toLength: 11, withPad: " ", startingAt: 0) + "\(count)")
        }
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
        if errors > 0 { lines.append("errors: \(errors) request(s) got no answer") }
        return lines.joined(separator: "\n")
    }
}
