import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap replay --dry-run`: re-decide recorded requests against today's configuration.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-decide a recorded session with the current mappings and a chosen mode, and show what changes.",
        discussion: """
            Selects requests from the journal or a HAR file written by certmap (by connection, \
            client certificate CN and/or time range), replays them in order with their original connection grouping under --mode \
            (default: the configuration's), and prints each request's decision then → now. \
            Exits 1 when any decision changed, unless --expect-changes (then 1 when nothing changed).
            Only --dry-run (in process, no sockets) is available so far.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Re-decide in process (required for now).")
    var dryRun = false

    @Argument(help: "A saved session (certmap sessions list); without it, select from the journal with the options below.")
    var session: String?

    @OptionGroup var sessionOptions: SessionOptions

    @Option(name: .long, help: "Persistence to replay under: per-request, legacy-iis4 or per-connection.")
    var mode: AuthPersistencePreset?

    @Flag(name: .long, help: "Changes are what you expect (after a fix): exit 0 when something changed.")
    var expectChanges = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        guard dryRun else { throw ValidationError("only --dry-run replay is available so far: add --dry-run") }
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
        let session = try options.load(home: home).session
        let replayer = DryRunReplayer(engine: snapshot.engine, persistence: mode?.flags ?? snapshot.document.server.authPersistence) { identity in
            await validator.check(identity, presentedChain: [], at: Date())
        }
        let report = await replayer.replay(session)
        if json {
            let encoder = EventJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ReplayText.render(report))
        }
        if (report.changedCount > 0) != expectChanges { throw ExitCode.failure }
    }
}

/// The text form of a replay report.
enum ReplayText {
    static func render(_ report: ReplayReport) -> String {
        var rows = [["conn", "req", "method", "path", "identity", "was", "now", ""]]
        for outcome in report.outcomes {
            let was = outcome.was + (outcome.wasAccount.map { " \($0)" } ?? "")
            let now = outcome.now + (outcome.nowAccount.map { " \($0)" } ?? "")
            let mark = outcome.changed ? "changed" : ""
            rows.append(["\(outcome.connection)", "\(outcome.request)", outcome.method, outcome.path, outcome.identity ?? "-", was, now, mark + (outcome.certificateMissing ? " (certificate not in journal)" : "")])
        }
        var lines = ["dry-run replay under \(report.mode), configuration generation \(report.generation)", TextTable.render(rows), ""]
        if report.changedCount == 0 {
            lines.append("no decision changed (\(report.outcomes.count) request(s))")
        } else {
            lines.append("\(report.changedCount) of \(report.outcomes.count) decision(s) changed:")
            lines += report.transitions.map { "  \($0.count) × \($0.diff)" }
        }
        return lines.joined(separator: "\n")
    }
}
