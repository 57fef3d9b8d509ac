import CertMapCore
import Foundation

/// The scenarios available in a home: the built-ins, and `<home>/scenarios/NAME.json` files (a
/// file may replace a built-in of the same name).
public struct ScenarioCatalog: Sendable {
    public let directory: URL

    public init(home: DataHome) {
        directory = home.url.appendingPathComponent("scenarios")
    }

    /// Every scenario by name; files that do not load are returned as problems, not dropped.
    public func all() -> (scenarios: [ScenarioDefinition], problems: [String]) {
        var byName = Dictionary(uniqueKeysWithValues: BuiltinScenarios.all.map { ($0.name, $0) })
        var problems: [String] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            do {
                let scenario = try load(directory.appendingPathComponent(file))
                byName[scenario.name] = scenario
            } catch {
                problems.append("\(error)")
            }
        }
        let order = BuiltinScenarios.all.map(\.name)
        let scenarios = byName.values.sorted { (order.firstIndex(of: $0.name) ?? Int.max, $0.name) < (order.firstIndex(of: $1.name) ?? Int.max, $1.name) }
        return (scenarios, problems)
    }

    public func named(_ name: String) throws -> ScenarioDefinition {
        let file = directory.appendingPathComponent("\(name).json")
        if FileManager.default.fileExists(atPath: file.path) { return try load(file) }
        guard let builtin = BuiltinScenarios.all.first(where: { $0.name == name }) else {
            throw ScenarioError("no scenario named \"\(name)\"; built in: \(BuiltinScenarios.all.map(\.name).joined(separator: ", ")) (or add \(file.path))")
        }
        return builtin
    }

    /// Loads and checks one file; errors name the file and the field.
    public func load(_ file: URL) throws -> ScenarioDefinition {
        let scenario: ScenarioDefinition
        do {
            scenario = try JSONDecoder().decode(ScenarioDefinition.self, from: Data(contentsOf: file))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ScenarioError("\(file.path): \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")): missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ScenarioError("\(file.path): \(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        } catch {
            throw ScenarioError("\(file.path): \(error)")
        }
        if let problem = scenario.problems().first { throw ScenarioError("\(file.path): \(problem)") }
        return scenario
    }
}

/// A scenario that cannot be found, loaded or run; one line.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
