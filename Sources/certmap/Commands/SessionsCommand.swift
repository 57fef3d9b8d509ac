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
        subcommands: [SessionsSaveCommand.self, SessionsListCommand.self, SessionsDeleteCommand.self, SessionsImportCommand.self],
        defaultSubcommand: SessionsListCommand.self
    )

    static func validate(name: String) throws {
        do { try SessionStore.validate(name: name) } catch { throw ValidationError(error.description) }
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
        let store = SessionStore(home: home)
        guard force || !store.exists(name) else {
            throw CommandFailure("session \"\(name)\" already exists (\(store.file(name).path)); add --force to replace it")
        }
        let (session, times) = try sessionOptions.load(home: home)
        try store.save(session, times: times, as: name)
        let connections = Set(session.requests.map(\.connection)).count
        print("saved session \"\(name)\": \(session.requests.count) request(s) on \(connections) connection(s) → \(store.file(name).path)")
    }
}

struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List saved sessions.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        let sessions = SessionStore(home: homeOptions.dataHome).list()
        guard !sessions.isEmpty else {
            print("no saved sessions; save one with: certmap sessions save NAME [--connection N] [--identity CN] [--since T]")
            return
        }
        var rows = [["name", "requests", "connections", "decisions"]]
        for session in sessions {
            rows.append(session.unreadable
                ? [session.name, "?", "?", "unreadable: \(SessionStore(home: homeOptions.dataHome).file(session.name).path)"]
                : [session.name, "\(session.requests)", "\(session.connections)", session.decisions.joined(separator: " ")])
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
        do { try SessionStore(home: homeOptions.dataHome).delete(name) } catch let error as SessionStoreError { throw CommandFailure(error.description) }
        print("deleted session \"\(name)\"")
    }
}

/// `certmap sessions import FILE.har [--name NAME]`: a HAR written by `certmap export har` (here or
/// on another machine) becomes a named session, ready for `certmap replay NAME` and the console.
struct SessionsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import a HAR file written by certmap export har as a named session.")

    @OptionGroup var homeOptions: HomeOptions
    @Argument(help: "The HAR file.", completion: .file()) var file: String
    @Option(name: .long, help: "Session name (default: the file name without .har).") var name: String?
    @Flag(name: .long, help: "Replace an existing session of that name.") var force = false

    var sessionName: String { name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent }

    func validate() throws { try SessionsCommand.validate(name: sessionName) }

    func run() async throws {
        let store = SessionStore(home: homeOptions.dataHome)
        guard force || !store.exists(sessionName) else {
            throw CommandFailure("session \"\(sessionName)\" already exists (\(store.file(sessionName).path)); add --force to replace it or --name to pick another")
        }
        let document: HARDocument
        do {
            document = try HARDocument.read(from: URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure("\(error)")
        }
        let session = HARConversion.session(from: document)
        guard !session.requests.isEmpty else { throw CommandFailure("\(file): the HAR file has no certmap entries") }
        let times = HARConversion.times(from: document)
        try store.save(session, times: times, as: sessionName)
        let connections = Set(session.requests.map(\.connection)).count
        print("imported session \"\(sessionName)\": \(session.requests.count) request(s) on \(connections) connection(s) → \(store.file(sessionName).path)")
    }
}
