import Foundation

/// A theme file that could not be read, with the file and line to fix.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let source: String
    public let line: Int?
    public let message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(source) line \($0): \(message)" } ?? "\(source): \(message)"
    }
}

/// Reads theme files: one `role = foreground background [attributes]` per line, `#` comments.
///
///     # dark.theme
///     title        = black  cyan     bold
///     decision-401 = yellow default  bold
///     muted        = color244 default none
///
/// Colours: `default` (or `-`), the eight names, `bright-<name>`, `color0`–`color255`.
/// Attributes: `bold`, `dim`, `underline`, `reverse`, `italic`, comma- or space-separated, or `none`.
public enum ThemeParser {
    public static func parse(_ text: String, name: String, source: String? = nil) throws(ThemeError) -> Theme {
        let source = source ?? "\(name).theme"
        var styles: [StyleRole: Style] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            func fail(_ message: String) -> ThemeError { ThemeError(source: source, line: number, message: message) }

            let sides = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard sides.count == 2 else { throw fail("expected 'role = foreground background [attributes]'") }
            let roleName = sides[0].trimmingCharacters(in: .whitespaces)
            guard let role = StyleRole(fileName: roleName) else {
                throw fail("unknown role '\(roleName)' (roles: \(StyleRole.allCases.map(\.fileName).joined(separator: ", ")))")
            }
            guard styles[role] == nil else { throw fail("role '\(roleName)' is set twice") }
            let words = sides[1].split { $0 == " " || $0 == "\t" || $0 == "," }.map(String.init)
            guard words.count >= 2 else { throw fail("'\(roleName)' needs a foreground and a background colour (use 'default' for the terminal's)") }
            guard let foreground = TerminalColor(name: words[0]) else { throw fail("unknown colour '\(words[0])'") }
            guard let background = TerminalColor(name: words[1]) else { throw fail("unknown colour '\(words[1])'") }
            var attributes: TextAttributes = []
            for word in words.dropFirst(2) where word.lowercased() != "none" {
                guard let attribute = TextAttributes.named.first(where: { $0.0 == word.lowercased() })?.1 else {
                    throw fail("unknown attribute '\(word)' (attributes: \(TextAttributes.named.map(\.0).joined(separator: ", ")), none)")
                }
                attributes.insert(attribute)
            }
            styles[role] = Style(foreground, background, attributes)
        }
        guard styles[.normal] != nil else {
            throw ThemeError(source: source, line: nil, message: "the theme must set 'normal' (every role it leaves out falls back to it)")
        }
        return Theme(name: name, styles: styles)
    }
}
