/// A terminal colour: the terminal's default, or an index in the 256-colour palette (0–7 the
/// standard colours, 8–15 their bright forms, 16–231 the 6×6×6 cube, 232–255 greys).
public enum TerminalColor: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)

    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, `-`, `red`, `bright-red`, `color123` or `123`.
    public init?(name: String) {
        let name = name.lowercased()
        if name == "default" || name == "-" {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: name) {
            self = .indexed(UInt8(index))
        } else if name.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(name.dropFirst(7))) {
            self = .indexed(UInt8(index + 8))
        } else if let value = UInt8(name.hasPrefix("color") ? String(name.dropFirst(5)) : name) {
            self = .indexed(value)
        } else {
            return nil
        }
    }

    /// The theme-file spelling.
    public var name: String {
        switch self {
        case .terminalDefault: return "default"
        case .indexed(let index) where index < 8: return Self.names[Int(index)]
        case .indexed(let index) where index < 16: return "bright-" + Self.names[Int(index) - 8]
        case .indexed(let index): return "color\(index)"
        }
    }

    /// The closest colour a terminal with `colors` colours can show (256, 16 or 8).
    public func fitted(toColors colors: Int) -> TerminalColor {
        guard case .indexed(let index) = self else { return self }
        if colors >= 256 || index < 8 { return self }
        if index < 16 { return colors >= 16 ? self : .indexed(index - 8) }
        if index >= 232 {
            let level = Int(index) - 232
            return .indexed(level < 8 ? 0 : level < 18 ? (colors >= 16 ? 8 : 7) : 7)
        }
        // 6x6x6 cube: each component 0-5; keep the components that are at least half on.
        let cube = Int(index) - 16
        let r = cube / 36, g = (cube / 6) % 6, b = cube % 6
        let bright = max(r, g, b) >= 4
        let basic = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        let color = basic == 0 && max(r, g, b) > 0 ? [r, g, b].firstIndex(of: max(r, g, b)).map { 1 << $0 } ?? 0 : basic
        return .indexed(UInt8(color + (bright && colors >= 16 ? 8 : 0)))
    }
}

/// Text attributes a style can add.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)

    public static let named: [(String, TextAttributes)] = [("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse), ("italic", .italic)]

    /// `bold,underline`, or `none`.
    public var names: String {
        let names = Self.named.filter { contains($0.1) }.map(\.0)
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }
}

/// How one role looks.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(_ foreground: TerminalColor = .terminalDefault, _ background: TerminalColor = .terminalDefault, _ attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}
