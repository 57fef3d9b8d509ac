import CertMapCore
import CertMapJournal
import Foundation

/// Runs a scenario's connection plans against the server and proxies — at most `concurrency`
/// connections at once, requests paced to `ratePerSecond`, stopped at `maxRequests` or
/// `maxDurationSeconds` — and checks every answer against the account the client's own
/// certificate maps to.
///
/// Pausable and stoppable through a `ScenarioControl` (checked before every request), cancellable
/// by cancelling the task; either way it returns the report of what was sent. Start and finish
/// are published on the event bus as system events, so the console and the journal show them.
public struct ScenarioRunner: Sendable {
    /// One connection to play, and whether its requests carry forged headers.
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

    /// Expected accounts from the live configuration (`ExpectedAccounts`).
    public init(client: SyntheticClient, pki: URL, loadUsers: LoadUsers?, expected: ExpectedAccounts) {
        self.init(client: client, pki: pki, loadUsers: loadUsers) { await expected.account(for: $0) }
    }

    /// The scenario as connection plans, in the order they start: the groups interleaved (one
    /// plan of each in turn), so routes and users mix as they would in real traffic.
    /// - Throws: `ScenarioError` naming the field when the scenario cannot run (e.g. an identity
    ///   without a certificate in the PKI directory).
    public func steps(for scenario: ScenarioDefinition) throws -> [Step] {
        if let problem = scenario.problems(identityExists: { ClientIdentity.demo($0, pki: pki).isAvailable }).first {
            throw ScenarioError("scenario \(scenario.name): \(problem)")
        }
        let perGroup = try scenario.groups.map { try groupSteps($0) }
        var steps: [Step] = []
        for index in 0..<(perGroup.map(\.count).max() ?? 0) {
            for group in perGroup where index < group.count { steps.append(group[index]) }
        }
        return steps
    }

    private func groupSteps(_ group: ScenarioClientGroup) throws -> [Step] {
        let identities = group.identities.flatMap { name -> [ClientIdentity] in
            guard name == "load" else { return [ClientIdentity.demo(name, pki: pki)] }
            return loadUsers.map { users in users.names.map(users.identity) } ?? []
        }
        var requests = group.requestPaths.map { PlannedRequest(method: group.method, path: $0, headers: group.headers) }
        if let victim = group.forge {
            let leaf = try CertificateLoader.certificates(at: pki.appendingPathComponent("\(victim).crt"))[0]
            let encoder = ForwardedCertificateEncoder()
            requests = ForwardedCertificateFormat.allCases.flatMap { format in
                let forged = Dictionary(encoder.headers(format: format, leaf: leaf.der).map { ($0.name, $0.value) }) { $1 }
                return requests.map { PlannedRequest(method: $0.method, path: $0.path, headers: $0.headers.merging(forged) { $1 }) }
            }
        }
        let plans = (0..<group.connections).flatMap { _ in
            identities.map { ConnectionPlan(identity: $0, route: group.route, requests: requests, thinkTime: .milliseconds(group.thinkTimeMilliseconds)) }
        }
        return plans.map { Step(plan: $0, forged: group.forge != nil) }
    }

    /// Runs the scenario; `progress` is called after every finished connection (and `control`
    /// holds the same progress for whoever polls it).
    public func run(
        _ scenario: ScenarioDefinition, mode: String, control: ScenarioControl? = nil, events: EventBus? = nil,
        progress: (@Sendable (ScenarioProgress) -> Void)? = nil
    ) async throws -> ScenarioReport {
        let plan = try steps(for: scenario)
        let perRound = plan.reduce(0) { $0 + $1.plan.requests.count }
        let rounds = scenario.repeatsPlan && perRound > 0 ? max(1, (scenario.maxRequests + perRound - 1) / perRound) : 1
        let all = Array(repeatElement(plan, count: rounds).joined())
        let steps = Self.limit(all, toRequests: scenario.maxRequests)
        let planned = steps.reduce(0) { $0 + $1.plan.requests.count }
        var report = ScenarioReport(scenario: scenario.name, mode: mode)
        report.plan = ScenarioReport.Plan(requestsPerRound: perRound, rounds: rounds, planned: planned, bound: scenario.maxRequests)
        var expected: [ClientIdentity: String?] = [:]
        for identity in Set(steps.map(\.plan.identity)) { expected[identity] = await expectedAccount(identity) }
        events?.publish(.system(SystemEvent("scenario \(scenario.name) started under \(mode): \(planned) request(s) on \(steps.count) connection(s)")))

        let startedAt = ContinuousClock.now
        let deadline = startedAt + .milliseconds(Int64(scenario.maxDurationSeconds * 1000))
        let gate = Self.gate(control: control, schedule: RateSchedule(perSecond: scenario.ratePerSecond), startedAt: startedAt, deadline: deadline)
        let client = self.client
        var unsent = planned
        await withTaskGroup(of: (Step, [RequestOutcome]).self) { group in
            var pending = steps[...]
            func startNext() async -> Bool {
                guard !pending.isEmpty, await control?.proceed() ?? !Task.isCancelled, ContinuousClock.now < deadline, let step = pending.popFirst() else { return false }
                group.addTask { (step, await client.run(step.plan, gate: gate)) }
                return true
            }
            var opened = 0
            while opened < scenario.concurrency, await startNext() { opened += 1 }
            while let (step, outcomes) = await group.next() {
                for outcome in outcomes {
                    report.record(outcome, identity: step.plan.identity.name, route: step.plan.route, expected: expected[step.plan.identity] ?? nil, forged: step.forged)
                }
                unsent -= outcomes.count
                let snapshot = ScenarioProgress(report: report, planned: planned)
                await control?.update(snapshot)
                progress?(snapshot)
                _ = await startNext()
            }
        }
        report.elapsedSeconds = Self.seconds(ContinuousClock.now - startedAt)
        report.stopped = await control?.isStopped ?? false || Task.isCancelled
        report.truncated = steps.count < all.count || planned < all.reduce(0) { $0 + $1.plan.requests.count } || unsent > 0
        await control?.update(ScenarioProgress(report: report, planned: planned))
        let how = report.stopped ? "stopped" : "finished"
        let decisions = report.byDecision.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        events?.publish(.system(SystemEvent("scenario \(scenario.name) \(how) under \(mode) in \(String(format: "%.1f", report.elapsedSeconds)) s: \(report.requests) request(s) (\(decisions.isEmpty ? "none" : decisions)); \(report.misattributions.count) misattributed")))
        return report
    }

    /// The steps with their requests cut so that at most `limit` are sent in all.
    static func limit(_ steps: [Step], toRequests limit: Int) -> [Step] {
        var budget = limit
        return steps.compactMap { step in
            guard budget > 0 else { return nil }
            var plan = step.plan
            plan.requests = Array(plan.requests.prefix(budget))
            budget -= plan.requests.count
            return Step(plan: plan, forged: step.forged)
        }
    }

    /// Before every request: wait while paused, stop when stopped, cancelled or out of time,
    /// then wait for the request's slot in the rate schedule.
    private static func gate(control: ScenarioControl?, schedule: RateSchedule, startedAt: ContinuousClock.Instant, deadline: ContinuousClock.Instant) -> RequestGate {
        let schedule = LockedState(schedule)
        return {
            guard await control?.proceed() ?? !Task.isCancelled, ContinuousClock.now < deadline else { return .stop }
            let slot = schedule.withLock { $0.reserve(at: ContinuousClock.now - startedAt) }
            let due = startedAt + slot
            guard due < deadline else { return .stop }
            if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
            return Task.isCancelled ? .stop : .send
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
