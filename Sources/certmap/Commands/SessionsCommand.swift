import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap sessions`: named selections of recorded requests, kept as self-contained HAR files
/// in `<home>/sessions/NAME.har` so they survive journal rotation and can be shared.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Save, list and delete named sessions (replay them with certmap replay NAME --dry-run).",
        subcommands: [SessionsSaveCommand.self, SessionsListCommand.self, SessionsDeleteCommand.self],
        defaultSubcommand: SessionsListCommand.self
    )

    static func directory(_ home: DataHome) -> URL { home.url.appendingPathComponent("sessions") }

    static func file(_ name: String, home: DataHome) -> URL { directory(home).appendingPathComponent("\(name).har") }

    static func validate(name: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw ValidationError("session names may contain letters, digits, '-', '_' and '.' (got \"\(name)\")")
        }
    }
}

struct SessionsSaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "save", abstract: "Save the selected requests as a named session.")

    @OptionGroup var homeOptions: HomeOptions
    @Argument(help: "Session name.") var name: String
    @OptionGroup var sessionOptions: SessionOptions
    @Flag(name: .long, help: "Replace an existing session of that name.") var force = false

    func validate() throws { try SessionsCommand.validate(name: name) }

    func run() async throws {
        let home = homeOptions.dataHome
        let file = SessionsCommand.file(name, home: home)
        guard force || !FileManager.default.fileExists(atPath: file.path) else {
            throw CommandFailure("session \"\(name)\" already exists (\(file.path)); add --force to replace it")
        }
        let (session, times) = try sessionOptions.load(home: home)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(at: SessionsCommand.directory(home), withIntermediateDirectories: true)
        try AtomicFileWriter(permissions: 0o600).write(encoder.encode(HARConversion.document(from: session, times: times)), to: file)
        let connections = Set(session.requests.map(\.connection)).count
        print("saved session \"\(name)\": \(session.requests.count) request(s) on \(connections) connection(s) → \(file.path)")
    }
}

struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List saved sessions.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        let directory = SessionsCommand.directory(homeOptions.dataHome)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".har") }.sorted()
        guard !names.isEmpty else {
            print("no saved sessions; save one with: certmap sessions save NAME [--connection N] [--identity CN] [--since T]")
            return
        }
        var rows = [["name", "requests", "connections", "decisions"]]
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let document = try? JSONDecoder().decode(HARDocument.self, from: Data(contentsOf: url)) else {
                rows.append([String(name.dropLast(4)), "?", "?", "unreadable: \(url.path)"])
                continue
            }
            let records = document.log.entries.map(\._certmap.record)
            let decisions = Dictionary(grouping: records, by: \.decision.statusText).map { "\($0.value.count)×\($0.key)" }.sorted().joined(separator: " ")
            rows.append([String(name.dropLast(4)), "\(records.count)", "\(Set(records.map(\.connection)).count)", decisions])
        }
        print(TextTable.render(rows))
    }
}

struct SessionsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a saved session.")

    @OptionGroup var homeOptions: HomeOptions
    @Argument(help: "Session name.") var name: String

    func validate() throws { try SessionsCommand.validate(name: name) }

    func run() async throws {
        let file = SessionsCommand.file(name, home: homeOptions.dataHome)
        guard FileManager.default.fileExists(atPath: file.path) else { throw CommandFailure("no session named \"\(name)\" (\(file.path))") }
        try FileManager.default.removeItem(at: file)
        print("deleted session \"\(name)\"")
    }
}
