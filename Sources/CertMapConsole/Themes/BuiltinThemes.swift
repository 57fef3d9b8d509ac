import Foundation

/// The built-in themes, identical to the files in the repository's `themes/` folder (a test keeps
/// them in sync), so the console looks right without any file installed.
extension Theme {
    public static let builtinNames = ["dark", "light", "high-contrast", "monochrome"]

    public static let dark: Theme = builtin("dark", """
        # certmap theme "dark" (the default), for dark terminal backgrounds.
        # role = foreground background [attributes]; colours: default, black..white, bright-<name>,
        # color0-color255; attributes: bold dim underline reverse italic, or none.
        # On 8-colour terminals colours are fitted to the nearest of the eight.
        normal       = default  default  none
        title        = white    color24  bold
        title-active = black    cyan     bold
        status-bar   = white    color236 none
        header       = color250 color238 bold
        selected     = white    color24  bold
        decision-ok  = green    default  none
        decision-401 = yellow   default  bold
        decision-403 = red      default  bold
        muted        = color244 default  none
        warning      = yellow   default  bold
        error        = bright-red default bold
        key          = cyan     default  bold
        border       = color244 default  none
        tab-active   = black    cyan     bold
        tab-inactive = color250 color238 none
        prompt       = cyan     default  bold
        """)

    public static let light: Theme = builtin("light", """
        # certmap theme "light", for light terminal backgrounds.
        normal       = default  default  none
        title        = white    blue     bold
        title-active = blue     white    bold
        status-bar   = black    color252 none
        header       = black    color250 bold
        selected     = white    blue     none
        decision-ok  = color28  default  none
        decision-401 = color130 default  bold
        decision-403 = color124 default  bold
        muted        = color242 default  none
        warning      = color130 default  bold
        error        = color124 default  bold
        key          = blue     default  bold
        border       = color245 default  none
        tab-active   = white    blue     bold
        tab-inactive = black    color252 none
        prompt       = blue     default  bold
        """)

    public static let highContrast: Theme = builtin("high-contrast", """
        # certmap theme "high-contrast": white on black, bright colours and bold only (16 colours).
        normal       = white        black  none
        title        = black        white  bold
        title-active = black        yellow bold
        status-bar   = black        white  bold
        header       = white        black  bold,underline
        selected     = black        yellow bold
        decision-ok  = bright-green black  bold
        decision-401 = bright-yellow black bold
        decision-403 = bright-red   black  bold
        muted        = white        black  none
        warning      = bright-yellow black bold
        error        = bright-red   black  bold,underline
        key          = bright-cyan  black  bold
        border       = white        black  bold
        tab-active   = black        yellow bold
        tab-inactive = black        white  none
        prompt       = bright-cyan  black  bold
        """)

    public static let monochrome: Theme = builtin("monochrome", """
        # certmap theme "monochrome": attributes only, no colour. Chosen automatically when NO_COLOR is
        # set (https://no-color.org) or the terminal has no colours.
        normal       = default default none
        title        = default default reverse
        title-active = default default bold,underline
        status-bar   = default default reverse
        header       = default default bold,underline
        selected     = default default reverse,bold
        decision-ok  = default default none
        decision-401 = default default bold
        decision-403 = default default bold,underline
        muted        = default default dim
        warning      = default default bold
        error        = default default bold,underline
        key          = default default bold
        border       = default default none
        tab-active   = default default reverse,bold
        tab-inactive = default default none
        prompt       = default default bold
        """)

    /// A built-in theme by name (`mono` is accepted for `monochrome`).
    public static func builtin(named name: String) -> Theme? {
        switch name.lowercased() {
        case "dark": return .dark
        case "light": return .light
        case "high-contrast", "highcontrast": return .highContrast
        case "monochrome", "mono": return .monochrome
        default: return nil
        }
    }

    private static func builtin(_ name: String, _ text: String) -> Theme {
        do {
            return try ThemeParser.parse(text, name: name, source: "built-in theme \(name)")
        } catch {
            preconditionFailure("\(error)")
        }
    }
}
