import ArgumentParser
import CertMapConsole
import CertMapCore
import CertMapJournal
import Foundation

/// Selecting recorded requests, shared by `replay` and `export har`.
struct SessionOptions: ParsableArguments {
    @Option(name: .long, help: "Journal directory or file (default: <home>/journal).", completion: .file())
    var journal: String?

    @Option(name: .long, help: "A HAR file written by certmap export har, instead of the journal.", completion: .file())
    var har: String?

    @Option(name: .long, help: "A saved session (certmap sessions list), instead of the journal.")
    var session: String?

    @Option(name: .long, help: "Only this connection number.")
    var connection: UInt64?

    @Option(name: .long, help: "Only requests whose certificate CN is this (case-insensitive).")
    var identity: String?

    @Option(name: .long, help: "Only requests at or after this RFC 3339 time.")
    var since: String?

    @Option(name: .long, help: "Only requests at or before this RFC 3339 time.")
    var until: String?

    @Option(name: .long, help: "Only requests matching a console filter expression, e.g. '~s 401 & ~route forward'.")
    var filter: String?

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, RFC3339.parse(value) == nil { throw ValidationError("\(name) \"\(value)\" is not an RFC 3339 time such as 2026-11-25T03:00:00Z") }
        }
        if [har, journal, session].compactMap({ $0 }).count > 1 { throw ValidationError("give one of --journal, --har and --session") }
        if let session {
            do { try SessionStore.validate(name: session) } catch { throw ValidationError(error.description) }
        }
        if let filter {
            do {
                _ = try FilterParser.parse(filter)
            } catch {
                throw ValidationError("--filter \"\(filter)\": column \(error.column): \(error.message)")
            }
        }
    }

    /// Whether the requests come from the journal (not a HAR file or a saved session).
    var readsJournal: Bool { har == nil && session == nil }

    /// The journal to read: `--journal`, or the home's.
    func journalURL(home: DataHome) -> URL {
        journal.map { URL(fileURLWithPath: $0) } ?? home.journalDirectory
    }

    /// The selector and the filter as one choice of recorded requests.
    var chooser: JournalReplay.Chooser {
        let selector = self.selector
        let expression = filter.flatMap { try? FilterParser.parse($0) }
        return { record, time in selector.matches(record, at: time) && (expression?.matches(record) ?? true) }
    }

    var selector: SessionSelector {
        SessionSelector(connection: connection, identity: identity, since: since.flatMap(RFC3339.parse), until: until.flatMap(RFC3339.parse))
    }

    /// The selected requests (non-empty) and their times; warnings about skipped journal lines go to stderr.
    func load(home: DataHome) throws -> (session: ReplaySession, times: [String: Date]) {
        if let session {
            let store = SessionStore(home: home)
            guard store.exists(session) else { throw CommandFailure("no session named \"\(session)\" (certmap sessions list)") }
            var options = self
            options.session = nil
            options.har = store.file(session).path
            return try options.load(home: home)
        }
        if let har {
            let document: HARDocument
            do {
                document = try HARDocument.read(from: URL(fileURLWithPath: har))
            } catch {
                throw CommandFailure("\(error)")
            }
            let all = HARConversion.session(from: document)
            let times = HARConversion.times(from: document)
            return try nonEmpty((all.narrowed { selector.matches($0, at: times[$0.key] ?? Date(timeIntervalSince1970: 0)) }, times))
        }
        let read = try JournalReader.read(journal.map { URL(fileURLWithPath: $0) } ?? home.journalDirectory)
        read.warnings.forEach { FileHandle.standardError.write(Data("certmap: \($0)\n".utf8)) }
        return try nonEmpty(ReplaySession.selectWithTimes(from: read.events, where: selector))
    }

    private func nonEmpty(_ selection: (session: ReplaySession, times: [String: Date])) throws -> (session: ReplaySession, times: [String: Date]) {
        var session = selection.session
        if let filter, let expression = try? FilterParser.parse(filter) {
            session = session.narrowed(to: expression.matches)
        }
        guard session.selectedCount > 0 else { throw CommandFailure("no recorded request matches the selection") }
        return (session, selection.times)
    }
}

/// RFC 3339 times for command-line options, with or without fractional seconds.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        EventJSON.date(from: text)
    }
}
