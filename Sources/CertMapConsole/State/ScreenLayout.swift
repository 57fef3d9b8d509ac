/// The fixed rows every screen shares, so the reducer and the views agree on page sizes.
///
///     row 0        title bar (screens, help hint)
///     row 1        column headers (or the tab bar of a request detail)
///     rows 2..h-3  content
///     row h-2      status bar (req/s, counts, mode, dropped, paused, filter)
///     row h-1      message, prompt or key hints
public enum ScreenLayout {
    /// Below this the console shows a "terminal too small" message instead of a screen.
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    /// Rows available to list content.
    public static func contentHeight(forHeight height: Int) -> Int { max(1, height - 4) }

    public static func isTooSmall(width: Int, height: Int) -> Bool {
        width < minimumWidth || height < minimumHeight
    }
}
