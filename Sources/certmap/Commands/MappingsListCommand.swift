import ArgumentParser
import CertMapCore
import Foundation

/// `certmap mappings list`: the mappings in the order they are tried.
struct MappingsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List mappings in evaluation order (one-to-one first, then many-to-one)."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Print the mappings section of the configuration as JSON.")
    var json = false

    func run() async throws {
        let document = try ConfigStore(home: homeOptions.preparedHome()).load()
        if json {
            struct Listing: Encodable {
                let mapping: MappingSettings
                let oneToOne: [OneToOneEntry]
                let manyToOne: [ManyToOneEntry]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let listing = Listing(mapping: document.mapping, oneToOne: document.oneToOne, manyToOne: document.manyToOne)
            print(String(decoding: try encoder.encode(listing), as: UTF8.self))
        } else {
            print(MappingTable.render(document))
        }
    }
}

/// Plain-text tables of the mappings, for `mappings list`.
enum MappingTable {
    static func render(_ document: ConfigDocument) -> String {
        let oneState = document.mapping.oneToOneEnabled ? "on" : "OFF"
        let manyState = document.mapping.manyToOneEnabled ? "on" : "OFF"
        var rows = [["#", "name", "account", "enabled", "certificate"]]
        for (index, entry) in document.oneToOne.enumerated() {
            rows.append(["\(index + 1)", entry.name, entry.account, entry.enabled ? "yes" : "no", entry.subject ?? entry.sha256 ?? "(certificate)"])
        }
        var manyRows = [["#", "name", "permission", "account", "enabled", "rules (all must match)"]]
        for (index, entry) in document.manyToOne.enumerated() {
            let rules = entry.rules.map { rule in
                RuleSyntax.format(rule) + (rule.caseSensitive ? " (case-sensitive)" : "")
            }.joined(separator: " AND ")
            manyRows.append(["\(index + 1)", entry.name, entry.permission.rawValue, entry.account ?? "-", entry.enabled ? "yes" : "no", rules])
        }
        return """
            one-to-one (\(document.oneToOne.count), \(oneState)) — tried first, by exact certificate
            \(TextTable.render(rows))

            many-to-one (\(document.manyToOne.count), \(manyState)) — tried in order, first match wins
            \(TextTable.render(manyRows))
            """
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
