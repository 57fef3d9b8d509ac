import CertMapCore
import Foundation

/// Re-decides a recorded session in process against today's configuration and a chosen
/// persistence mode, with no sockets (docs/design.md §7 `dry-run`).
///
/// Requests are replayed in their original order with their original connection grouping, so
/// `AuthPersistence` behaves as it would on the wire: a Q190009 session recorded in
/// `legacy-iis4` and replayed under `per-request` turns every `401.2` into `200`, and a pooled
/// session recorded under `per-connection` stops serving one user's identity to another.
public struct DryRunReplayer: Sendable {
    public let engine: DecisionEngine
    public let persistence: AuthPersistence
    private let check: @Sendable (CertificateIdentity) async -> CertificateCheck

    /// - Parameter check: validates a certificate as the server would today.
    public init(engine: DecisionEngine, persistence: AuthPersistence, check: @escaping @Sendable (CertificateIdentity) async -> CertificateCheck) {
        self.engine = engine
        self.persistence = persistence
        self.check = check
    }

    /// Re-decides with certificates judged by `validator` as of now (the leaf against the trust
    /// store; a recorded request keeps no presented chain).
    public init(engine: DecisionEngine, persistence: AuthPersistence, validator: CertificateValidator) {
        self.init(engine: engine, persistence: persistence) { identity in
            await validator.check(identity, presentedChain: [], at: Date())
        }
    }

    /// Re-decides every request of `session` in order. With a `control`, each request first
    /// waits for it (pause, step, stop, and pacing to the recorded `times` by request key); a stop
    /// returns the outcomes so far, marked stopped. `onOutcome` hears each outcome as it comes.
    public func replay(
        _ session: ReplaySession, times: [String: Date] = [:], control: ReplayControl? = nil,
        onOutcome: (@Sendable (ReplayOutcome) -> Void)? = nil
    ) async -> ReplayReport {
        var connections: [ConnectionKey: ConnectionAuthentication] = [:]
        var outcomes: [ReplayOutcome] = []
        for record in session.requests {
            if let control, await !control.proceed(recordedAt: times[record.key]) {
                return ReplayReport(mode: persistence.description, generation: engine.generation, outcomes: outcomes, planned: session.requests.count, stopped: true)
            }
            var connection = connections[record.connectionKey] ?? ConnectionAuthentication(persistence: persistence)
            let outcome = await replay(record, certificate: record.certificate.flatMap { session.certificates[$0.sha256] }, context: session.isContext(record), on: &connection)
            connections[record.connectionKey] = connection
            outcomes.append(outcome)
            onOutcome?(outcome)
            await control?.answered()
        }
        return ReplayReport(mode: persistence.description, generation: engine.generation, outcomes: outcomes, planned: session.requests.count)
    }

    /// Re-decides one request on its connection's state (which it then updates), as the server
    /// would today: the one step every dry run takes, whole session or journal streamed.
    func replay(_ record: RequestRecord, certificate: CertificateIdentity?, context: Bool, on connection: inout ConnectionAuthentication) async -> ReplayOutcome {
        let decision = await decide(record, certificate: certificate, on: connection)
        connection.record(decision, certificateSubject: certificate?.subject.rfc2253, requestIsProxied: record.proxied)
        return ReplayOutcome(original: record, now: decision, certificateMissing: record.certificate != nil && certificate == nil, context: context)
    }

    private func decide(_ record: RequestRecord, certificate: CertificateIdentity?, on connection: ConnectionAuthentication) async -> Decision {
        var trace = DecisionTrace()
        trace.record(.reset, .info, .replayOf(request: record.request, connection: record.connection, persistence: persistence))
        switch connection.plan() {
        case .reuse(let persisted):
            return engine.decideReusing(persisted, path: record.path, trace: trace, presented: certificate, check: nil)
        case .failAfterReset(let resetAfter):
            return engine.decideAfterResetWithoutRemap(resetAfterRequest: resetAfter, trace: trace)
        case .map:
            let check = await certificate.asyncMap(check)
            return engine.decide(AuthenticationRequest(path: RequestTarget.decisionPath(for: record.path), certificate: certificate, check: check), trace: trace)
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
