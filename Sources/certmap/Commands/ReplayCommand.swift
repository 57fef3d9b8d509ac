import ArgumentParser
import CertMapCore
import CertMapJournal
import CertMapProxy
import Foundation

/// `certmap replay --dry-run`: re-decide recorded requests against today's configuration.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded session with the current mappings and a chosen mode (in process, or over the network), and show what changes.",
        discussion: """
            Selects requests from the journal or a HAR file written by certmap (by connection, \
            client certificate CN and/or time range), replays them in order with their original connection grouping under --mode \
            (default: the configuration's), and prints each request's decision then → now. \
            Exits 1 when any decision changed, unless --expect-changes (then 1 when nothing changed); \
            a replay stopped before its end exits 1.
            --dry-run re-decides in process (no sockets). Without it, a server and both proxies start on \
            loopback and every recorded connection is re-sent as one kept-alive connection through the \
            same route (direct, forward tunnel, reverse proxy) with the same certificate (its key must \
            be in <home>/pki, as for the demo and load users).
            --step starts paused and takes keys on standard input (single keys on a terminal, lines \
            otherwise): s or enter sends the next request, space pauses or continues, c continues, \
            p pauses, > cycles the speed 1×/10×/max, q (or Ctrl-C) stops. Each request's row is printed \
            as its answer arrives. The same keys work during any paced replay (--speed 1 or 10) on a \
            terminal. When input ends the replay runs on to its end.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Re-decide in process instead of re-sending over the network.")
    var dryRun = false

    @Argument(help: "A saved session (certmap sessions list); without it, select from the journal with the options below.")
    var session: String?

    @OptionGroup var sessionOptions: SessionOptions

    @Option(name: .long, help: "Persistence to replay under: per-request, legacy-iis4 or per-connection.")
    var mode: AuthPersistencePreset?

    @Option(name: .long, help: "Pace: 1 (as recorded), 10 (ten times faster), any factor up to 1000, or max (default).")
    var speed: String = "max"

    @Flag(name: .long, help: "Start paused and step through the requests with keys on standard input (see below).")
    var step = false

    @Flag(name: .long, help: "Changes are what you expect (after a fix): exit 0 when something changed.")
    var expectChanges = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        guard ReplaySpeed(argument: speed) != nil else {
            throw ValidationError("--speed \"\(speed)\": give 1 (as recorded), 10 (ten times faster), any factor up to 1000, or max")
        }
        if let session {
            try SessionsCommand.validate(name: session)
            guard sessionOptions.har == nil && sessionOptions.journal == nil else {
                throw ValidationError("give a session name or --har/--journal, not both")
            }
        }
    }

    func run() async throws {
        let home = try homeOptions.preparedHome()
        var snapshot = try ConfigStore(home: home).loadSnapshot()
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        var options = sessionOptions
        if let session {
            let store = SessionStore(home: home)
            guard store.exists(session) else { throw CommandFailure("no session named \"\(session)\" (certmap sessions list)") }
            options.har = store.file(session).path
        }
        // A dry run of the journal streams it (read twice, never held); a session or HAR file is
        // read whole, as the network replay needs.
        let journal: JournalReplay?
        let loaded: (session: ReplaySession, times: [String: Date])?
        let highestLoadUser: Int
        if dryRun, options.readsJournal {
            let plan = try JournalReplay.plan(journal: options.journalURL(home: home), chooses: options.chooser)
            plan.warnings.forEach { FileHandle.standardError.write(Data("certmap: \($0)\n".utf8)) }
            guard plan.chosen > 0 else { throw CommandFailure("no recorded request matches the selection") }
            (journal, loaded, highestLoadUser) = (plan, nil, plan.highestLoadUser)
        } else {
            let selection = try options.load(home: home)
            (journal, loaded, highestLoadUser) = (nil, selection, Self.highestLoadUser(of: selection.session))
        }
        // Scenario load users were mapped in memory for their run only: map them again, or
        // every one of their requests would "change" to 401.2.
        if highestLoadUser > 0 {
            let document = try LoadUsers.prepare(count: highestLoadUser, home: home).mapped(into: snapshot.document)
            snapshot = try ConfigSnapshot(document: document, generation: snapshot.generation)
        }
        let planned = journal.map { $0.chosen + $0.context } ?? loaded?.session.requests.count ?? 0
        let pace = ReplaySpeed(argument: speed) ?? .max
        // Keys are live when asked for, or when a paced replay runs on a terminal.
        let controlled = step || (pace != .max && isatty(STDIN_FILENO) == 1)
        let how = dryRun ? "dry-run replay" : "network replay"
        let output = ReplayLiveOutput(printsRows: controlled && !json, showsKeys: controlled, quiet: !controlled && (json || isatty(STDERR_FILENO) == 0))
        let control = ReplayControl(total: planned, paused: step, speed: pace) { output.show($0) }
        let keyboard = controlled ? ReplayKeyboard(control: control) : nil
        keyboard?.start()
        defer { keyboard?.finish() }
        output.start(requests: planned, how: how)
        if step { await output.show(control.playback) }
        let report: ReplayReport
        let persistence = mode?.flags ?? snapshot.document.server.authPersistence
        let replayer = DryRunReplayer(engine: snapshot.engine, persistence: persistence, validator: validator)
        if let journal {
            let replayed = try await journal.replay(with: replayer, chooses: options.chooser, rows: ReplayText.journalRows, control: control) { output.show($0) }
            replayed.warnings.filter { !journal.warnings.contains($0) }.forEach { FileHandle.standardError.write(Data("certmap: \($0)\n".utf8)) }
            report = replayed.report
        } else if let (session, times) = loaded, dryRun {
            report = await replayer.replay(session, times: times, control: control) { output.show($0) }
        } else if let (session, times) = loaded {
            report = try await networkReplay(session, times: times, home: home, snapshot: snapshot, control: control) { output.show($0) }
        } else {
            return
        }
        output.finish()
        keyboard?.finish()
        if json {
            let encoder = EventJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(controlled ? ReplayText.summary(report) : ReplayText.render(report, how: how))
        }
        if report.stopped { throw ExitCode.failure }
        if (report.changedCount > 0) != expectChanges { throw ExitCode.failure }
    }

    /// Re-sends the session through an in-process server and proxies under the chosen mode.
    private func networkReplay(
        _ session: ReplaySession, times: [String: Date], home: DataHome, snapshot: ConfigSnapshot, control: ReplayControl,
        onOutcome: @escaping @Sendable (ReplayOutcome) -> Void
    ) async throws -> ReplayReport {
        let preset = mode ?? snapshot.document.server.authPersistence.preset ?? .perRequest
        // Each recorded connection keeps upstream connections of its own (reuse safe), as the
        // replayed client connections are played one after the other.
        let stack = try await InProcessStack.startOnLoopback(home: home, mode: preset, poolSize: 4, reuse: .safe, recordJournal: false)
        try stack.service.apply(snapshot.document, source: "replay")
        let replayer = NetworkReplayer(client: stack.client(), credentials: NetworkReplayer.credentials(in: home.pkiDirectory))
        let report = await replayer.replay(session, mode: preset.rawValue, generation: snapshot.generation, times: times, control: control, onOutcome: onOutcome)
        await stack.stop()
        return report
    }

    /// The highest scenario load user (`load-NN`) the session's requests presented, 0 for none:
    /// those users are mapped again as their scenario mapped them.
    static func highestLoadUser(of session: ReplaySession) -> Int {
        session.requests.compactMap { record -> Int? in
            guard let name = record.certificate?.commonName, name.hasPrefix("load-") else { return nil }
            return Int(name.dropFirst("load-".count))
        }.max() ?? 0
    }
}
