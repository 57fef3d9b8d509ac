import CertMapCore
import Foundation

/// The scenarios available in a home: the built-ins, and `<home>/scenarios/NAME.json` files (a
/// file may replace a built-in of the same name).
public struct ScenarioCatalog: Sendable {
    public let directory: URL
    /// Where the identities a scenario names must have their certificate and key.
    public let pki: URL

    public init(home: DataHome) {
        directory = home.url.appendingPathComponent("scenarios")
        pki = home.pkiDirectory
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

    /// Loads and checks one file; errors name the file and the field (`groups[0].route`).
    public func load(_ file: URL) throws -> ScenarioDefinition {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ScenarioError("\(file.path): cannot read: \(PeopleText.describe(fileSystem: error))")
        }
        let scenario: ScenarioDefinition
        do {
            scenario = try JSONDecoder().decode(ScenarioDefinition.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ScenarioError("\(file.path): \(Self.fieldPath(context.codingPath + [key])): missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ScenarioError("\(file.path): \(Self.fieldPath(context.codingPath)): expected \(Self.describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ScenarioError("\(file.path): \(Self.fieldPath(context.codingPath)): expected \(Self.describe(type)), found null")
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            let path = Self.fieldPath(context.codingPath)
            throw ScenarioError("\(file.path): \(path.isEmpty ? "not valid JSON: " : path + ": ")\(detail)")
        } catch {
            throw ScenarioError("\(file.path): \(error)")
        }
        let problems = scenario.problems { ClientIdentity.demo($0, pki: pki).isAvailable }
        if let problem = problems.first { throw ScenarioError("\(file.path): \(problem)") }
        if scenario.name != file.deletingPathExtension().lastPathComponent {
            throw ScenarioError("\(file.path): name: \"\(scenario.name)\" must match the file name (\(file.deletingPathExtension().lastPathComponent))")
        }
        return scenario
    }

    /// `groups[0].route` from a decoding path.
    static func fieldPath(_ path: [CodingKey]) -> String {
        path.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
    }

    /// What a JSON value of `type` looks like, for "expected ...".
    private static func describe(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Int.self { return "a whole number" }
        if type == Double.self { return "a number" }
        if type == Bool.self { return "true or false" }
        let name = "\(type)"
        if name.hasPrefix("Array<") { return "a list" }
        return "an object"
    }
}

/// A scenario that cannot be found, loaded or run; one line.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
