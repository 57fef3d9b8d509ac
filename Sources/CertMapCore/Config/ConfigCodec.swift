import Foundation

/// Reads and writes configuration documents, turning decoder errors into `ConfigIssue`s with
/// field paths (`manyToOne[3].rules[0].subfield: unknown "CNN"; expected one of ...`).
public enum ConfigCodec {
    /// Decodes and validates `data`; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> ConfigDocument {
        let document: ConfigDocument
        do {
            document = try JSONDecoder().decode(ConfigDocument.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw ConfigError.syntax(file: file, detail: syntaxDetail(data))
            }
            throw describe(error, file: file)
        }
        let issues = ConfigValidator.validate(document)
        guard issues.isEmpty else { throw ConfigError.invalid(file: file, issues: issues) }
        return document
    }

    /// Pretty, key-sorted JSON with a trailing newline: stable output for diffs and backups.
    public static func encode(_ document: ConfigDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }

    static func describe(_ error: DecodingError, file: String) -> ConfigError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return .syntax(file: file, detail: underlying ?? context.debugDescription)
        case .dataCorrupted(let context):
            return .schema(file: file, issue: ConfigIssue(path: path(context.codingPath), message: context.debugDescription))
        case .keyNotFound(let key, let context):
            return .schema(file: file, issue: ConfigIssue(path: path(context.codingPath + [key]), message: "is required"))
        case .typeMismatch(let type, let context):
            return .schema(file: file, issue: ConfigIssue(path: path(context.codingPath), message: "expected \(jsonName(of: type))"))
        case .valueNotFound(let type, let context):
            return .schema(file: file, issue: ConfigIssue(path: path(context.codingPath), message: "expected \(jsonName(of: type)), found null"))
        @unknown default:
            return .schema(file: file, issue: ConfigIssue(path: "", message: String(describing: error)))
        }
    }

    /// Where the JSON breaks, as "line 4, column 14: invalid value". JSONDecoder on Linux gives
    /// no position, JSONSerialization gives a character offset; operators need a line.
    static func syntaxDetail(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "the file is valid JSON but not a configuration object"
        } catch {
            let message = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            guard let range = message.range(of: #"character (\d+)"#, options: .regularExpression),
                let offset = Int(message[range].dropFirst("character ".count))
            else {
                return message
            }
            let prefix = data.prefix(offset)
            let line = prefix.filter { $0 == 0x0A }.count + 1
            let column = offset - (prefix.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0) + 1
            let what = message.components(separatedBy: " around").first?.lowercased() ?? "syntax error"
            return "line \(line), column \(column): \(what)"
        }
    }

    /// `manyToOne[3].rules[0].subfield` from a coding path.
    static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Double.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : (name.hasPrefix("Dictionary") ? "an object" : "an object (\(name))")
        }
    }
}
