/// One problem found in a configuration, located by its field path.
///
/// Paths use the JSON shape: `manyToOne[3].rules[0].subfield` (indices are zero-based, as in
/// the file), so an operator can go straight to the offending value.
public struct ConfigIssue: Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why a configuration could not be loaded or saved; the description is one line per problem.
public enum ConfigError: Error, Hashable, CustomStringConvertible {
    /// The file is not JSON (with the parser's position when it gives one).
    case syntax(file: String, detail: String)
    /// The JSON does not fit the schema (wrong type, unknown field, bad enum value).
    case schema(file: String, issue: ConfigIssue)
    /// The document is well-formed but inconsistent (unknown account, duplicate name, ...).
    case invalid(file: String, issues: [ConfigIssue])
    /// Reading or writing failed at the file-system level.
    case io(file: String, detail: String)
    /// The existing file could not be loaded, so certmap refuses to overwrite it.
    case refusingToOverwrite(file: String, detail: String)

    public var description: String {
        switch self {
        case .syntax(let file, let detail):
            return "\(file): not valid JSON: \(detail)"
        case .schema(let file, let issue):
            return "\(file): \(issue)"
        case .invalid(let file, let issues):
            return issues.map { "\(file): \($0)" }.joined(separator: "\n")
        case .io(let file, let detail):
            return "\(file): \(detail)"
        case .refusingToOverwrite(let file, let detail):
            return "\(file): not overwriting a configuration that does not load (\(detail)); fix or move it first"
        }
    }
}
