import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap import log`: a proxy's access log (written with `certmap logformat`) becomes a
/// named session — what the proxy answered as "was", certmap's decision with today's mappings
/// as "now" — for `certmap replay NAME --dry-run`, `certmap diagnose --session NAME` and the
/// console's Sessions screen.
struct ImportLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Import a proxy's access log (nginx, haproxy, caddy, envoy; plain or gzip) as a session of decided requests.",
        discussion: "The log must be written with the lines certmap logformat PROXY prints. Malformed lines are skipped and counted, never fatal."
    )

    @OptionGroup var homeOptions: HomeOptions
    @Argument(help: "The access log (plain or gzip-compressed).", completion: .file()) var file: String
    @Option(name: .long, help: "nginx, haproxy, caddy or envoy.") var format: String
    @Option(name: .long, help: "Session name (default: the file name without extensions).") var name: String?
    @Option(name: .long, help: "Only requests at or after this time (RFC 3339, e.g. 2026-11-25T03:00:00Z).") var since: String?
    @Flag(name: .long, help: "Replace an existing session of that name.") var force = false

    var sessionName: String {
        name ?? URL(fileURLWithPath: file).lastPathComponent.split(separator: ".").first.map(String.init) ?? "log"
    }

    func validate() throws {
        guard AccessLogFormat(rawValue: format) != nil else {
            throw ValidationError("--format \"\(format)\": give one of \(AccessLogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let since, RFC3339.parse(since) == nil {
            throw ValidationError("--since \"\(since)\" is not an RFC 3339 time such as 2026-11-25T03:00:00Z")
        }
        try SessionsCommand.validate(name: sessionName)
    }

    func run() async throws {
        let home = try homeOptions.preparedHome()
        let store = SessionStore(home: home)
        guard force || !store.exists(sessionName) else {
            throw CommandFailure("session \"\(sessionName)\" already exists (\(store.file(sessionName).path)); add --force to replace it or --name to pick another")
        }
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        let url = URL(fileURLWithPath: file)
        let reader: LogLineReader
        do {
            reader = try LogLineReader(url: url)
        } catch {
            throw CommandFailure("\(error)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64) ?? 0
        // Written as it is read: the session goes to a temporary file, in place only once complete.
        let session = try store.begin(sessionName)
        var importer = AccessLogImporter(
            format: AccessLogFormat(rawValue: format)!, source: url.lastPathComponent, engine: snapshot.engine, since: since.flatMap(RFC3339.parse),
            check: { certificate, time in await validator.check(certificate, presentedChain: [], at: time) },
            emit: { record, certificate, time in try session.append(record, certificate: certificate, time: time) })
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        var shown = false
        do {
            while let line = try reader.next() {
                if reader.isTruncated {
                    importer.addTooLong(number: reader.lineNumber, limit: LogLineReader.maxLineBytes)
                } else {
                    try await importer.add(line: line, number: reader.lineNumber)
                }
                if reader.lineNumber % 10_000 == 0 {
                    shown = true
                    progress.show("importing \(url.lastPathComponent): \(reader.lineNumber) lines" + (size > 0 ? String(format: " (%.0f %%)", Double(reader.bytesRead) * 100 / Double(size)) : ""))
                }
            }
        } catch {
            if shown { progress.finish() }
            throw CommandFailure("\(error)")
        }
        if shown { progress.finish() }
        guard importer.requests > 0 else {
            let first = importer.problems.first.map { "; the first: \($0)" } ?? ""
            throw CommandFailure("\(file): no request could be read (\(importer.summary))\(first); is it written with certmap logformat \(format)?")
        }
        for problem in importer.problems {
            FileHandle.standardError.write(Data("certmap: skipped \(problem)\n".utf8))
        }
        if importer.malformed > importer.problems.count {
            FileHandle.standardError.write(Data("certmap: … and \(importer.malformed - importer.problems.count) more malformed line(s)\n".utf8))
        }
        do {
            try session.commit()
        } catch {
            throw CommandFailure("\(store.file(sessionName).path): \(error)")
        }
        print("imported session \"\(sessionName)\" from \(file): \(importer.summary) → \(store.file(sessionName).path)")
        print("next: certmap replay \(sessionName) --dry-run   ·   certmap diagnose --session \(sessionName)")
    }
}
