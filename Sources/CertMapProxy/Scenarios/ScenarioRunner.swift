import CertMapCore
import Foundation

/// Lets the console pause, resume and stop running traffic.
public actor ScenarioControl {
    public private(set) var isPaused = false

    public init() {}

    public func setPaused(_ paused: Bool) {
        isPaused = paused
    }

    /// Returns when not paused (or the task is cancelled).
    func waitWhilePaused() async {
        while isPaused && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Runs a scenario's connection plans against the server and proxies with its concurrency and
/// bounds, and checks every answer against the account the client's own certificate maps to.
public struct ScenarioRunner: Sendable {
    /// One connection to play, with who plays it and whether its requests carry forged headers.
    public struct Step: Sendable {
        public let plan: ConnectionPlan
        public let forged: Bool
    }

    public let client: SyntheticClient
    public let pki: URL
    public let loadUsers: LoadUsers?
    /// The account an identity's own certificate maps to under the configuration in force.
    public let expectedAccount: @Sendable (ClientIdentity) async -> String?

    public init(client: SyntheticClient, pki: URL, loadUsers: LoadUsers?, expectedAccount: @escaping @Sendable (ClientIdentity) async -> String?) {
        self.client = client
        self.pki = pki
        self.loadUsers = loadUsers
        self.expectedAccount = expectedAccount
    }

    /// The scenario as connection plans, in the order they start: the groups interleaved
    /// (one plan of each in turn), so routes and users mix as they would in real traffic.
    public func steps(for scenario: ScenarioDefinition) throws -> [Step] {
        var perGroup: [[Step]] = []
        for group in scenario.groups {
            let identities = group.identities.flatMap { name -> [ClientIdentity] in
                guard name == "load" else { return [ClientIdentity.demo(name, pki: pki)] }
                guard let loadUsers else { return [] }
                return loadUsers.names.map(loadUsers.identity)
            }
            var requests = group.paths.map { PlannedRequest(path: $0, headers: group.headers) }
            if let victim = group.forge {
                let leaf = try CertificateLoader.certificates(at: pki.appendingPathComponent("\(victim).crt"))[0]
                let encoder = ForwardedCertificateEncoder()
                requests = ForwardedCertificateFormat.allCases.flatMap { format in
                    group.paths.map { path in
                        PlannedRequest(path: path, headers: group.headers.merging(encoder.headers(format: format, leaf: leaf.der).map { ($0.name, $0.value) }) { $1 })
                    }
                }
            }
            var steps: [Step] = []
            for _ in 0..<group.connections {
                for identity in identities {
                    steps.append(Step(plan: ConnectionPlan(identity: identity, route: group.route, requests: requests, thinkTime: .milliseconds(group.thinkTimeMilliseconds)), forged: group.forge != nil))
                }
            }
            perGroup.append(steps)
        }
        var steps: [Step] = []
        for index in 0..<(perGroup.map(\.count).max() ?? 0) {
            for group in perGroup where index < group.count { steps.append(group[index]) }
        }
        return steps
    }

    /// Runs it; `progress` gets (requests done, requests planned).
    public func run(_ scenario: ScenarioDefinition, mode: String, control: ScenarioControl? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> ScenarioReport {
        var report = ScenarioReport(scenario: scenario.name, mode: mode)
        var steps = try steps(for: scenario)
        var budget = scenario.maxRequests
        steps = steps.compactMap { step in
            guard budget > 0 else { return nil }
            var plan = step.plan
            plan.requests = Array(plan.requests.prefix(budget))
            budget -= plan.requests.count
            return Step(plan: plan, forged: step.forged)
        }
        let planned = steps.reduce(0) { $0 + $1.plan.requests.count }
        report.truncated = planned < (try self.steps(for: scenario)).reduce(0) { $0 + $1.plan.requests.count }
        var expected: [String: String?] = [:]
        for identity in Set(steps.map(\.plan.identity)) { expected[identity.name] = await expectedAccount(identity) }

        let startedAt = ContinuousClock.now
        let deadline = startedAt + .milliseconds(Int(scenario.maxDurationSeconds * 1000))
        let client = self.client
        await withTaskGroup(of: (Step, [RequestOutcome]).self) { group in
            var pending = steps[...]
            var inFlight = 0
            var done = 0
            var started = 0
            func startNext() async -> Bool {
                await control?.waitWhilePaused()
                if let rate = scenario.ratePerSecond, let next = pending.first {
                    // Pace plan starts so requests begin at no more than `rate` a second.
                    let due = startedAt + .milliseconds(Int(Double(started) / rate * 1000))
                    if due > ContinuousClock.now { try? await Task.sleep(until: min(due, deadline), clock: .continuous) }
                    started += next.plan.requests.count
                }
                guard let step = pending.popFirst(), !Task.isCancelled, ContinuousClock.now < deadline else { return false }
                group.addTask { (step, await client.run(step.plan)) }
                inFlight += 1
                return true
            }
            while inFlight < scenario.concurrency, await startNext() {}
            while let (step, outcomes) = await group.next() {
                inFlight -= 1
                for outcome in outcomes {
                    report.record(outcome, identity: step.plan.identity.name, route: step.plan.route, expected: expected[step.plan.identity.name] ?? nil, forged: step.forged)
                }
                done += outcomes.count
                progress?(done, planned)
                if ContinuousClock.now >= deadline { group.cancelAll() } else { _ = await startNext() }
            }
            if !pending.isEmpty { report.truncated = true }
        }
        let elapsed = ContinuousClock.now - startedAt
        report.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }
}
