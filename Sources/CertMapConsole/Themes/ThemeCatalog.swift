import Foundation

/// Chooses the theme the console starts with.
///
/// Order: `NO_COLOR` set to anything non-empty (https://no-color.org) forces `monochrome`; else
/// the requested name (`--theme`), else `$CERTMAP_THEME`, else `dark`. A name is looked up as
/// `<name>.theme` in each directory in turn (the user's `<home>/themes/` first, then the
/// installed `themes/`), then among the built-ins.
public struct ThemeCatalog: Sendable {
    public var directories: [URL]

    public init(directories: [URL]) {
        self.directories = directories
    }

    public func resolve(requested: String?, environment: [String: String]) throws(ThemeError) -> Theme {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            return .monochrome
        }
        let name = requested ?? environment["CERTMAP_THEME"].flatMap { $0.isEmpty ? nil : $0 } ?? "dark"
        for directory in directories {
            let file = directory.appendingPathComponent("\(name).theme")
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ThemeError(source: file.path, line: nil, message: "not UTF-8 text")
            }
            return try ThemeParser.parse(text, name: name, source: file.path)
        }
        if let theme = Theme.builtin(named: name) { return theme }
        let searched = directories.map(\.path).joined(separator: ", ")
        throw ThemeError(
            source: "theme '\(name)'", line: nil,
            message: "not found in \(searched.isEmpty ? "no directories" : searched); built-in themes: \(Theme.builtinNames.joined(separator: ", "))")
    }
}
