/// The drawing characters, in UTF-8 or plain ASCII for terminals whose locale is not UTF-8.
public struct GlyphSet: Hashable, Sendable {
    public var ok: String
    public var denied: String
    public var ellipsis: String
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var pointer: String
    public var arrow: String
    /// An informational trace step.
    public var info: String

    public static let unicode = GlyphSet(
        ok: "✓", denied: "✗", ellipsis: "…", horizontal: "─", vertical: "│",
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", pointer: "▸", arrow: "→", info: "·")

    public static let ascii = GlyphSet(
        ok: "+", denied: "x", ellipsis: "~", horizontal: "-", vertical: "|",
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", pointer: ">", arrow: "->", info: ".")

    /// UTF-8 glyphs when the locale's character set is UTF-8 (`LC_ALL`, `LC_CTYPE`, `LANG`, in
    /// that order of precedence, as setlocale reads them), ASCII otherwise.
    public static func forEnvironment(_ environment: [String: String]) -> GlyphSet {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let upper = locale.uppercased()
        return upper.contains("UTF-8") || upper.contains("UTF8") ? .unicode : .ascii
    }
}
