import ArgumentParser

/// `certmap import`: configuration and access logs written by other products.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import from other products: client-certificate mappings (IIS applicationHost.config) and access logs (nginx, HAProxy, Caddy, Envoy).",
        subcommands: [ImportIISCommand.self, ImportLogCommand.self]
    )
}
