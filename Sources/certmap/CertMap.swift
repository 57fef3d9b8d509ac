import ArgumentParser
import Foundation

/// The `certmap` command: administration console and tools for TLS client-certificate mapping.
@main
struct CertMap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certmap",
        abstract: "Map TLS client certificates to accounts, behind proxies, and explain every decision.",
        discussion: """
            certmap reproduces and diagnoses the client-certificate mapping failures of KB Q190009 \
            (401 after the first request on a proxied connection) and their modern cousins.

            On first use it creates a data directory (--home, else $CERTMAP_HOME, else \
            $XDG_DATA_HOME/certmap, else ~/.local/share/certmap) with a demo PKI and a demo \
            configuration, so every command works out of the box.
            """,
        version: "0.1.0",
        subcommands: [ConsoleSubcommand.self, ServeCommand.self, ScenarioCommand.self, ExplainCommand.self, DoctorCommand.self, DiagnoseCommand.self, ReplayCommand.self, ExportCommand.self, ImportCommand.self, LogFormatCommand.self, SessionsCommand.self, MappingsCommand.self, PKICommand.self, BenchCommand.self],
        defaultSubcommand: ConsoleSubcommand.self
    )

    /// An unknown first word is a mistyped command, not an argument of the console: say so and
    /// list the commands, instead of the console's usage with "Unexpected argument".
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        // The first word, past a leading `--home DIR` (the one option that may come first).
        var words = arguments[...]
        while words.first == "--home" { words = words.dropFirst(2) }
        if let first = words.first, !first.hasPrefix("-"), !names.contains(first) {
            FileHandle.standardError.write(Data("certmap: unknown command \"\(first)\"; the commands are \(names.dropLast().joined(separator: ", ")) (certmap --help)\n".utf8))
            Foundation.exit(64)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // Help and --version keep argument-parser's output; a mistake is one line (the
            // usage block after it would bury the sentence that matters), pointing to --help.
            let code = exitCode(for: error)
            guard code != .success, !(error is CleanExit) else { exit(withError: error) }
            let text = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            // A bare exit code (the command has already said why) prints nothing more.
            guard !text.isEmpty else { Foundation.exit(code.rawValue) }
            let hint = error is ValidationError || code == .validationFailure ? " (see --help)" : ""
            FileHandle.standardError.write(Data("Error: \(text)\(hint)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
