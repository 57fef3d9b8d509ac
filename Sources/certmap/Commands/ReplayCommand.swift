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
            Exits 1 when any decision changed, unless --expect-changes (then 1 when nothing changed).
            --dry-run re-decides in process (no sockets). Without it, a server and both proxies start on \
            loopback and every recorded connection is re-sent as one kept-alive connection through the \
            same route (direct, forward tunnel, reverse proxy) with the same certificate (its key must \
            be in <home>/pki, as for the demo and load users).
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

    @Option(name: .long, help: "Network replay pace: 1 (as recorded), 10 (ten times faster) or max (default).")
    var speed: String = "max"

    @Flag(name: .long, help: "Changes are what you expect (after a fix): exit 0 when something changed.")
    var expectChanges = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        guard speed == "max" || (Double(speed).map { $0 > 0 && $0 <= 1000 } ?? false) else {
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
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        var options = sessionOptions
        if let session {
            let store = SessionStore(home: home)
            guard store.exists(session) else { throw CommandFailure("no session named \"\(session)\" (certmap sessions list)") }
            options.har = store.file(session).path
        }
        let (session, times) = try options.load(home: home)
        let report: ReplayReport
        if dryRun {
            let persistence = mode?.flags ?? snapshot.document.server.authPersistence
            report = await DryRunReplayer(engine: snapshot.engine, persistence: persistence, validator: validator).replay(session)
        } else {
            report = try await networkReplay(session, times: times, home: home, snapshot: snapshot)
        }
        if json {
            let encoder = EventJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ReplayText.render(report, how: dryRun ? "dry-run replay" : "network replay"))
        }
        if (report.changedCount > 0) != expectChanges { throw ExitCode.failure }
    }

    /// Re-sends the session through an in-process server and proxies under the chosen mode.
    private func networkReplay(_ session: ReplaySession, times: [String: Date], home: DataHome, snapshot: ConfigSnapshot) async throws -> ReplayReport {
        let preset = mode ?? snapshot.document.server.authPersistence.preset ?? .perRequest
        // Each recorded connection keeps upstream connections of its own (reuse safe), as the
        // replayed client connections are played one after the other.
        let stack = try await InProcessStack.start(home: home, mode: preset, poolSize: 4, reuse: .safe, recordJournal: false)
        let replayer = NetworkReplayer(client: stack.client(), credentials: NetworkReplayer.credentials(in: home.pkiDirectory))
        let showProgress = isatty(STDERR_FILENO) == 1 && !json
        let report = await replayer.replay(session, mode: preset.rawValue, generation: snapshot.generation, times: times, speed: Double(speed)) { done, total in
            if showProgress { FileHandle.standardError.write(Data("\rreplaying: \(done)/\(total) requests".utf8)) }
        }
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        await stack.stop()
        return report
    }
}

/// The text form of a replay report.
enum ReplayText {
    static func render(_ report: ReplayReport, how: String = "dry-run replay") -> String {
        var rows = [["conn", "req", "method", "path", "identity", "was", "now", ""]]
        for outcome in report.outcomes {
            let (was, now) = (outcome.wasSummary, outcome.nowSummary)
            let mark = outcome.changed ? "changed" : ""
            rows.append(["\(outcome.connection)", "\(outcome.request)", outcome.method, outcome.path, outcome.identity ?? "-", was, now, mark + (outcome.certificateMissing ? (outcome.now == "not replayed" ? " (no key for this certificate)" : " (certificate not in journal)") : "")])
        }
        var lines = ["\(how) under \(report.mode), configuration generation \(report.generation)", TextTable.render(rows), ""]
        if report.changedCount == 0 {
            lines.append("no decision changed (\(report.outcomes.count) request(s))")
        } else {
            lines.append("\(report.changedCount) of \(report.outcomes.count) decision(s) changed:")
            lines += report.transitions.map { "  \($0.count) × \($0.diff)" }
        }
        return lines.joined(separator: "\n")
    }
}
