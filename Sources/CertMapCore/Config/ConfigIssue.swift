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

    /// One line, whatever the file holds: control characters in keys or values (a newline in a
    /// field name, say) are shown escaped, so each problem stays on its own line.
    public var description: String { (path.isEmpty ? message : "\(path): \(message)").escapingControlCharacters }
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
    /// Another writer saved the file after the editor loaded it (`current` is what is there now).
    case changedOnDisk(file: String, current: ConfigDocument, changes: [String])

    public var description: String {
        switch self {
        case .syntax(let file, let detail):
            return "\(file): not valid JSON: \(detail.escapingControlCharacters)"
        case .schema(let file, let issue):
            return "\(file): \(issue)"
        case .invalid(let file, let issues):
            return issues.map { "\(file): \($0)" }.joined(separator: "\n")
        case .io(let file, let detail):
            return "\(file): \(detail)"
        case .refusingToOverwrite(let file, let detail):
            return "\(file): not overwriting a configuration that does not load (\(detail)); fix or move it first"
        case .changedOnDisk(let file, _, let changes):
            let what = changes.isEmpty ? "" : " (\(changes.joined(separator: ", ")))"
            return "\(file) was changed by another writer since it was loaded\(what); nothing was saved"
        }
    }
}

extension String {
    /// `\n`, `\r`, `\t` and other control characters written as escapes, for one-line messages.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
