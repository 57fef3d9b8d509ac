import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation

/// What the console drives: the in-process server (mode switches) and the demo traffic (pause).
///
/// It is the only bridge from the console's requests to live objects; the console itself stays
/// free of sockets and files.
struct ConsoleApplication: ConsoleDriver {
    let service: AuthenticationService
    let traffic: DemoTrafficControl?

    func perform(_ request: ConsoleRequest) async -> [ConsoleAction] {
        switch request {
        case .switchMode(let name):
            guard let preset = AuthPersistencePreset(rawValue: name) else {
                return [.requestFailed("unknown authentication mode \(name)")]
            }
            service.setPersistence(preset.flags)
            return [.modeChanged(preset.rawValue)]
        case .pauseTraffic(let paused):
            guard let traffic else {
                return [.requestFailed("no demo traffic is running (the console was started with --no-demo)")]
            }
            await traffic.setPaused(paused)
            return [.trafficPauseChanged(paused)]
        case .dryRunMappings(let document):
            return await dryRun(document)
        case .saveMappings(let document):
            return save(document)
        case .quit:
            return []
        }
    }

    /// Re-decides the requests still in the bus's memory with `document`, under the mode in force.
    private func dryRun(_ document: ConfigDocument) async -> [ConsoleAction] {
        let current = service.configuration.current
        let snapshot: ConfigSnapshot
        let validator: CertificateValidator
        do {
            snapshot = try ConfigSnapshot(document: document, generation: current.generation + 1)
            validator = try TrustConfiguration.validator(for: document.trust, home: service.home)
        } catch {
            return [.requestFailed("dry run: \(error)")]
        }
        let session = ReplaySession.select(from: service.events.recent(), where: SessionSelector())
        let recent = ReplaySession(requests: Array(session.requests.suffix(Self.dryRunRequests)), certificates: session.certificates)
        let replayer = DryRunReplayer(engine: snapshot.engine, persistence: service.persistence) { identity in
            (try? await validator.check(identity, presentedChain: [], at: Date())) ?? CertificateCheck(verdict: .untrusted, notes: ["validation failed"])
        }
        let report = await replayer.replay(recent)
        let changes = zip(recent.requests, report.outcomes).filter { $0.1.changed }.map { record, outcome in
            MappingDryRun.Change(
                traceID: record.traceID, identity: outcome.identity ?? "-", method: outcome.method, path: outcome.path,
                was: [outcome.was, outcome.wasAccount].compactMap { $0 }.joined(separator: " "),
                now: [outcome.now, outcome.nowAccount].compactMap { $0 }.joined(separator: " "))
        }
        return [.dryRunFinished(MappingDryRun(examined: report.outcomes.count, changes: changes, skipped: report.outcomes.filter(\.certificateMissing).count))]
    }

    /// How many recent requests a dry run re-decides.
    static let dryRunRequests = 500

    /// Writes the configuration atomically (keeping backups), then applies it live.
    private func save(_ document: ConfigDocument) -> [ConsoleAction] {
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else {
            return [.requestFailed("not saved: \(issues.map(\.description).joined(separator: "; "))")]
        }
        do {
            try ConfigStore(home: service.home).save(document)
            let snapshot = try service.apply(document)
            return [.configurationLoaded(document), .mappingsSaved(generation: snapshot.generation)]
        } catch {
            return [.requestFailed("not saved: \(error)")]
        }
    }
}

/// Pausing and resuming the console's demo traffic.
protocol DemoTrafficControl: Sendable {
    func setPaused(_ paused: Bool) async
}
