import ArgumentParser

/// `certmap export`: recorded traffic in formats other tools read.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export recorded requests (HAR 1.2).",
        subcommands: [ExportHARCommand.self]
    )
}
