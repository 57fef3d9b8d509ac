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
    /// Runs a named scenario to the end and says how it went (nil without proxies).
    let scenarios: (@Sendable (String) async -> String)?
    /// The control of the replay running now, if any (one at a time).
    private let running = LockedState<ReplayControl?>(nil)

    init(service: AuthenticationService, traffic: DemoTrafficControl?, scenarios: (@Sendable (String) async -> String)?) {
        self.service = service
        self.traffic = traffic
        self.scenarios = scenarios
    }

    func perform(_ request: ConsoleRequest, post: @escaping @Sendable ([ConsoleAction]) -> Void) async -> [ConsoleAction] {
        switch request {
        case .replaySession(let name, let paused, let speed):
            return await replaySession(name, paused: paused, speed: speed, post: post)
        case .controlReplay(let instruction):
            guard let control = running.withLock({ $0 }) else { return [.requestFailed("no replay is running")] }
            await control.perform(instruction)
            return []
        default:
            return await perform(request)
        }
    }

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
                return [.requestFailed("no demo traffic is running (the console was started with --no-demo or --no-proxies)")]
            }
            await traffic.setPaused(paused)
            return [.trafficPauseChanged(paused)]
        case .dryRunMappings(let document):
            return await dryRun(document)
        case .saveMappings(let document, let base):
            return save(document, editedFrom: base)
        case .listSessions:
            return [.sessionsListed(sessions.list())]
        case .saveSession(let name, let filter):
            return saveSession(name, filter: filter)
        case .deleteSession(let name):
            do {
                try sessions.delete(name)
                return [.sessionsListed(sessions.list()), .notice("session \(name) deleted")]
            } catch {
                return [.requestFailed("\(error)")]
            }
        case .replaySession, .controlReplay:
            return await perform(request) { _ in }
        case .replayRequest(let traceID):
            let recent = ReplaySession.select(from: service.events.recent(), where: SessionSelector())
            guard let record = recent.requests.first(where: { $0.traceID == traceID }) else {
                return [.requestFailed("\(traceID) is no longer in memory; replay it from the journal with certmap replay --dry-run")]
            }
            // The request with its connection's earlier requests, so persistence plays out as it did.
            let report = await replay(recent.narrowed { $0.traceID == traceID })
            return [.replayFinished(SessionReplay(title: "\(traceID) (request \(record.request) of connection \(record.connection))", report: report))]
        case .startScenario(let name):
            guard let scenarios else { return [.requestFailed("scenarios need the proxies (the console was started with --no-proxies)")] }
            return [.notice(await scenarios(name))]
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
        // The newest requests, with their connections' earlier ones as context (never counted).
        let newest = Set(session.requests.suffix(Self.dryRunRequests).map(\.traceID))
        let recent = session.narrowed { newest.contains($0.traceID) }
        // The draft against the saved configuration, both under the mode in force: only the edits
        // make a change. What the saved one alone decides differently from the recording (the
        // mode, time) is counted apart.
        let saved: ReplayReport
        do {
            let savedValidator = try TrustConfiguration.validator(for: current.document.trust, home: service.home)
            saved = await DryRunReplayer(engine: current.engine, persistence: service.persistence, validator: savedValidator).replay(recent)
        } catch {
            return [.requestFailed("dry run: \(error)")]
        }
        let report = await DryRunReplayer(engine: snapshot.engine, persistence: service.persistence, validator: validator).replay(recent)
        let changes = zip(recent.requests, zip(saved.outcomes, report.outcomes)).filter { _, pair in
            !pair.1.context && !pair.1.certificateMissing && (pair.0.nowSummary != pair.1.nowSummary)
        }.map { record, pair in
            MappingDryRun.Change(
                traceID: record.traceID, identity: pair.1.identity ?? "-", method: pair.1.method, path: pair.1.path,
                was: pair.0.nowSummary, now: pair.1.nowSummary)
        }
        return [.dryRunFinished(MappingDryRun(
            examined: report.comparedCount, changes: changes, skipped: report.summary.certificateMissing,
            modeEffects: saved.changedCount))]
    }

    private var sessions: SessionStore { SessionStore(home: service.home) }

    /// Saves the requests still in memory that match the console's filter as a named session.
    private func saveSession(_ name: String, filter: String) -> [ConsoleAction] {
        var (session, times) = ReplaySession.selectWithTimes(from: service.events.recent(), where: SessionSelector())
        if !filter.isEmpty, let expression = try? FilterParser.parse(filter) {
            session = session.narrowed(to: expression.matches)
        }
        guard session.selectedCount > 0 else { return [.requestFailed("no request on Live matches the filter; nothing saved")] }
        guard !sessions.exists(name) else { return [.requestFailed("a session named \(name) already exists; delete it first (d) or pick another name")] }
        do {
            try sessions.save(session, times: times, as: name)
        } catch {
            return [.requestFailed("session not saved: \(error)")]
        }
        let connections = Set(session.requests.map(\.connectionKey)).count
        let context = session.context.isEmpty ? "" : " (+\(session.context.count) earlier request(s) of those connections as context)"
        return [.sessionsListed(sessions.list()), .notice("saved session \(name): \(session.selectedCount) request(s) on \(connections) connection(s)\(context)")]
    }

    /// Re-decides a saved session under the mode and mappings in force, posting each outcome and
    /// every change of its playback as they happen; the console's keys reach it through
    /// `.controlReplay`.
    private func replaySession(_ name: String, paused: Bool, speed: ReplaySpeed, post: @escaping @Sendable ([ConsoleAction]) -> Void) async -> [ConsoleAction] {
        let loaded: (session: ReplaySession, times: [String: Date])
        do {
            loaded = try sessions.loadWithTimes(name)
        } catch {
            return [.requestFailed("\(error)")]
        }
        let control = ReplayControl(total: loaded.session.requests.count, paused: paused, speed: speed) { post([.replayPlayback($0)]) }
        let started = running.withLock { current -> Bool in
            guard current == nil else { return false }
            current = control
            return true
        }
        guard started else { return [.requestFailed("a replay is already running; x stops it")] }
        defer { running.withLock { $0 = nil } }
        let replayer = replayer()
        let title = "session \(name)"
        post([.replayStarted(SessionReplay(title: title, mode: replayer.persistence.description, generation: replayer.engine.generation, playback: await control.playback))])
        let report = await replayer.replay(loaded.session, times: loaded.times, control: control) { post([.replayAnswered($0)]) }
        return [.replayFinished(SessionReplay(title: title, report: report))]
    }

    /// Re-decides `session` in process under the mode and mappings in force.
    private func replay(_ session: ReplaySession) async -> ReplayReport {
        await replayer().replay(session)
    }

    /// A dry-run replayer with the mode, mappings and trust in force.
    private func replayer() -> DryRunReplayer {
        let snapshot = service.configuration.current
        let home = service.home
        let validator = try? TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        return DryRunReplayer(engine: snapshot.engine, persistence: service.persistence) { identity in
            guard let validator else { return CertificateCheck(verdict: .untrusted, notes: ["the trust configuration could not be loaded"]) }
            return await validator.check(identity, presentedChain: [], at: Date())
        }
    }

    /// How many recent requests a dry run re-decides.
    static let dryRunRequests = 500

    /// Writes the configuration atomically (keeping backups) unless another writer changed the
    /// file since the draft began, then applies it live.
    private func save(_ document: ConfigDocument, editedFrom base: ConfigDocument) -> [ConsoleAction] {
        do {
            let snapshot = try service.saveAndApply(document, editedFrom: base, source: "saved from the console")
            return [.configurationLoaded(document), .mappingsSaved(generation: snapshot.generation)]
        } catch ConfigError.changedOnDisk(_, let current, let changes) {
            return [.saveConflict(SaveConflict(mine: document, base: base, theirs: current, changes: changes))]
        } catch let refused as ConfigEditRefused {
            return [.requestFailed(refused.description)]
        } catch {
            return [.requestFailed("not saved: \(error)")]
        }
    }
}

/// Pausing and resuming the console's demo traffic.
protocol DemoTrafficControl: Sendable {
    func setPaused(_ paused: Bool) async
}
