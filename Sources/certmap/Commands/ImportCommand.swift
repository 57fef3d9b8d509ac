import ArgumentParser

/// `certmap import`: configuration written by other products.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import client-certificate mappings from other products (IIS applicationHost.config).",
        subcommands: [ImportIISCommand.self]
    )
}
