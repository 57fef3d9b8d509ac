import ArgumentParser

/// `certmap mappings`: administer one-to-one and many-to-one mappings from scripts.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "List, add, remove and test certificate mappings.",
        discussion: "Changes are validated, saved atomically to config.json and the previous file is kept as config.json.1.",
        subcommands: [MappingsListCommand.self, MappingsAddCommand.self, MappingsRemoveCommand.self, MappingsTestCommand.self],
        defaultSubcommand: MappingsListCommand.self
    )
}
