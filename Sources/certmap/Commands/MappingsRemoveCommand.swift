import ArgumentParser
import CertMapCore

/// `certmap mappings remove NAME`.
struct MappingsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a mapping by name."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case oneToOne = "one-to-one"
        case manyToOne = "many-to-one"
    }

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The mapping's name, as `mappings list` shows it.")
    var name: String

    @Option(name: .long, help: "Which kind, when both have a mapping of that name: one-to-one or many-to-one.")
    var kind: Kind?

    func run() async throws {
        let store = ConfigStore(home: try homeOptions.preparedHome())
        let inOneToOne = try store.update { document in
            let inOneToOne = (kind ?? .oneToOne) == .oneToOne && document.oneToOne.contains { $0.name == name }
            let inManyToOne = (kind ?? .manyToOne) == .manyToOne && document.manyToOne.contains { $0.name == name }
            switch (inOneToOne, inManyToOne) {
            case (false, false):
                let known = (document.oneToOne.map(\.name) + document.manyToOne.map(\.name)).map { "\"\($0)\"" }.joined(separator: ", ")
                throw CommandFailure("no mapping named \"\(name)\"; mappings are: \(known.isEmpty ? "(none)" : known)")
            case (true, true):
                throw CommandFailure("both a one-to-one and a many-to-one mapping are named \"\(name)\"; add --kind one-to-one or --kind many-to-one")
            case (true, false):
                document.oneToOne.removeAll { $0.name == name }
            case (false, true):
                document.manyToOne.removeAll { $0.name == name }
            }
            return inOneToOne
        }
        print("removed \(inOneToOne ? "one-to-one" : "many-to-one") \"\(name)\"; saved \(store.file.path)")
    }
}
