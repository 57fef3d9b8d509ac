import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap diagnose`: every 401/403 and every misattributed 200 in the journal, grouped by
/// cause, with the specifics of an example and the fix.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Summarise why requests were refused (401/403) or answered with another user's identity, by cause, with an example, its specifics and the fix for each.",
        discussion: "Reads <home>/journal (written by certmap serve) unless --journal names a directory or a journal file, or --session a saved session (certmap sessions list; an imported access log included)."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Journal directory or file (default: <home>/journal).", completion: .file())
    var journal: String?

    @Option(name: .long, help: "A saved session instead of the journal (certmap sessions list).")
    var session: String?

    @Option(name: .long, help: "Only events at or after this time (RFC 3339, e.g. 2026-11-25T03:00:00Z).")
    var since: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        if let since, RFC3339.parse(since) == nil {
            throw ValidationError("--since \"\(since)\" is not an RFC 3339 time such as 2026-11-25T03:00:00Z")
        }
        if let session {
            try SessionsCommand.validate(name: session)
            guard journal == nil else { throw ValidationError("give --journal or --session, not both") }
        }
    }

    func run() async throws {
        let source: URL
        /// How much was read when Ctrl-C stopped the reading (nil: all of it).
        var interrupted: String?
        let since = since.flatMap(RFC3339.parse)
        var builder = JournalDiagnosis.Builder(since: since)
        if let session {
            let store = SessionStore(home: homeOptions.dataHome)
            guard store.exists(session) else { throw CommandFailure("no session named \"\(session)\" (certmap sessions list)") }
            source = store.file(session)
            let (loaded, times) = try store.loadWithTimes(session)
            for (index, record) in loaded.requests.enumerated() {
                builder.add(CertMapEvent(sequence: UInt64(index + 1), time: times[record.key] ?? Date(timeIntervalSince1970: 0), kind: .request(record)))
            }
        } else {
            source = journal.map { URL(fileURLWithPath: $0) } ?? homeOptions.dataHome.journalDirectory
            // The text never shows an example's trace; the JSON does.
            let cursor = try JournalCursor(source, since: since, traces: json)
            interrupted = try Self.read(cursor) { builder.add($0) }
            for warning in cursor.warnings {
                FileHandle.standardError.write(Data("certmap: \(warning)\n".utf8))
            }
        }
        let diagnosis = builder.diagnosis
        if let interrupted {
            FileHandle.standardError.write(Data("certmap: interrupted after reading \(interrupted) of the journal; what follows covers only that part\n".utf8))
        }
        if json {
            let encoder = EventJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(diagnosis), as: UTF8.self))
        } else {
            print(DiagnosisText.render(diagnosis, source: source.path))
        }
    }
}

extension DiagnoseCommand {
    /// Reads every batch of `cursor` into `body`, with progress on a terminal's stderr, until the
    /// end or Ctrl-C; returns how much was read when interrupted (`42 % (1,234,567 events)`),
    /// nil when everything was.
    static func read(_ cursor: JournalCursor, into body: (CertMapEvent) -> Void) throws -> String? {
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let interruption = ReadInterruption.start()
        defer { interruption.stop() }
        var events = 0
        var shown = ContinuousClock.now
        func part() -> String {
            let percent = cursor.totalBytes > 0 ? Int(cursor.bytesRead * 100 / cursor.totalBytes) : 100
            return "\(percent) % (\(events) events)"
        }
        defer { progress.show("") }
        while let batch = try cursor.nextBatch() {
            for event in batch { body(event) }
            events += batch.count
            if interruption.isRaised { return part() }
            if ContinuousClock.now - shown > .milliseconds(200) {
                shown = ContinuousClock.now
                progress.show("reading the journal: \(part())")
            }
        }
        return nil
    }
}

/// The text form of `certmap diagnose`.
enum DiagnosisText {
    static func render(_ diagnosis: JournalDiagnosis, source: String) -> String {
        let wrong = diagnosis.misattributed > 0 ? ", \(diagnosis.misattributed) answered with another user's identity" : ""
        var lines = ["\(source): \(diagnosis.requests) request(s), \(diagnosis.refused) refused\(wrong)"]
        if diagnosis.causes.isEmpty && diagnosis.beforeDecision.isEmpty && diagnosis.spoofing == nil {
            lines.append("nothing to fix: no refusals, and every answer carried the request's own identity")
        }
        for cause in diagnosis.causes {
            let example = cause.example
            let identity = example.certificate.map { "CN=\($0.commonName)" } ?? "no certificate"
            lines.append("")
            lines.append("\(cause.count) × \(cause.decision)  \(cause.title)")
            let when = cause.exampleTime.map { ", at \(RFC3339Time.string($0))" } ?? ""
            let run = example.run.map { " in run \($0)" } ?? ""
            lines.append("    example  \(example.method) \(example.path) by \(identity), conn#\(example.connection) req#\(example.request), \(example.route), \(example.mode), trace \(example.traceID)\(when)\(run)")
            lines.append("    cause    \(cause.cause)")
            for line in cause.evidence { lines.append("    evidence \(line)") }
            lines.append("    fix      \(cause.fix)")
        }
        if let spoofing = diagnosis.spoofing {
            lines.append("")
            lines.append("\(spoofing.count) × spoofed forwarded-certificate header(s) from \(spoofing.peers.joined(separator: ", ")) (stripped, never authenticated)")
            lines.append("    example  \(spoofing.example)")
            lines.append("    fix      find the client forging them; only peers in server.certificateForwarders (identified by the certificate they present) may forward certificates")
        }
        if !diagnosis.beforeDecision.isEmpty {
            lines.append("")
            lines.append("refused before a decision (no request record):")
        }
        for refusal in diagnosis.beforeDecision {
            lines.append("")
            lines.append("\(refusal.count) × \(refusal.category)\(refusal.reason.map { " \($0)" } ?? "")  \(refusal.title), from \(refusal.peers.joined(separator: ", "))")
            lines.append("    example  \(refusal.example)")
            lines.append("    fix      \(refusal.fix)")
        }
        if !diagnosis.notes.isEmpty { lines.append("") }
        for note in diagnosis.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
