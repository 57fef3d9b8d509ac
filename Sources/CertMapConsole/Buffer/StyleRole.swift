/// What a cell *means*, never what colour it is: a `Theme` turns roles into colours.
///
/// Views only ever say "this is the selected row" or "this is a 401"; the theme (dark, light,
/// high-contrast, monochrome, or a user file) decides how that looks, and `NO_COLOR` can drop
/// colour without touching a single view.
public enum StyleRole: String, CaseIterable, Hashable, Sendable {
    case normal
    case title
    case titleActive
    case statusBar
    case header
    case selected
    case decisionOK
    case decision401
    case decision403
    case muted
    case warning
    case error
    case key
    case border
    case tabActive
    case tabInactive
    case prompt

    /// The theme-file spelling (`decision-401`, `status-bar`, ...).
    public var fileName: String {
        var result = ""
        var previous: Character?
        for character in rawValue {
            defer { previous = character }
            if (character.isUppercase && previous?.isLowercase == true) || (character.isNumber && previous?.isLetter == true) {
                result += "-"
            }
            result += character.lowercased()
        }
        return result
    }

    /// The role a theme-file name refers to, if any.
    public init?(fileName: String) {
        guard let role = StyleRole.allCases.first(where: { $0.fileName == fileName.lowercased() }) else { return nil }
        self = role
    }
}
