/// A palette: a `Style` per `StyleRole` (mitmproxy's palettes). Roles a theme leaves out look
/// like `normal`.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [StyleRole: Style]

    public init(name: String, styles: [StyleRole: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: StyleRole) -> Style {
        styles[role] ?? styles[.normal] ?? .plain
    }

    /// Whether any role uses a colour (monochrome themes use attributes only).
    public var usesColor: Bool {
        styles.values.contains { $0.foreground != .terminalDefault || $0.background != .terminalDefault }
    }

    /// The theme as a terminal with `colors` colours can show it (the 8-colour fallback).
    public func fitted(toColors colors: Int) -> Theme {
        guard colors > 0 else { return Theme(name: name, styles: styles.mapValues { Style(.terminalDefault, .terminalDefault, $0.attributes) }) }
        return Theme(name: name, styles: styles.mapValues { Style($0.foreground.fitted(toColors: colors), $0.background.fitted(toColors: colors), $0.attributes) })
    }

    /// The theme in the theme-file format, roles in declaration order.
    public var fileText: String {
        StyleRole.allCases.compactMap { role in
            styles[role].map { "\(role.fileName) = \($0.foreground.name) \($0.background.name) \($0.attributes.names)" }
        }.joined(separator: "\n") + "\n"
    }
}
