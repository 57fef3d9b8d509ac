import ArgumentParser

/// `certmap export`: recorded traffic and mappings in formats other tools read.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export recorded requests (HAR 1.2) or the mappings (IIS applicationHost.config).",
        subcommands: [ExportHARCommand.self, ExportIISCommand.self]
    )
}
