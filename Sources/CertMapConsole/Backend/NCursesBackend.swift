import CNCurses
import Foundation

/// The real terminal, through ncursesw: the only file that imports CNCurses.
///
/// It sets the locale (so UTF-8 and wide characters work), puts the terminal in cbreak/noecho
/// mode with keypad decoding, sets one colour pair per `StyleRole` from the theme (fitted to the
/// terminal's colour count, the terminal's own background kept via `use_default_colors`), draws
/// only the cells that changed since the previous frame, and restores the terminal on
/// `shutdown()` or deinit. The host must also call `shutdown()` from its signal handling.
public final class NCursesBackend: TerminalBackend {
    private var previous: ScreenBuffer?
    private var pairs: [StyleRole: Int16] = [:]
    private var attributes: [StyleRole: UInt32] = [:]
    private var active = true
    private let screen: OpaquePointer

    /// Takes over the terminal.
    /// - Parameters:
    ///   - theme: the palette; monochrome (or a terminal without colours) uses attributes only.
    ///   - inputTimeoutMilliseconds: how long `nextInput()` waits for a key.
    /// - Throws: `TerminalUnavailable` when stdin/stdout is not a terminal or ncurses does not
    ///   know `$TERM` (instead of ncurses' own exit).
    public init(theme: Theme, inputTimeoutMilliseconds: Int32 = 30) throws(TerminalUnavailable) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalUnavailable(reason: "standard input and output must be a terminal (use `certmap serve` to run headless)")
        }
        setlocale(LC_ALL, "")
        certmap_install_crash_restore()
        guard let screen = certmap_open_terminal() else {
            certmap_uninstall_crash_restore()
            let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
            throw TerminalUnavailable(reason: term.isEmpty ? "TERM is not set" : "ncurses does not know the terminal type TERM=\(term)")
        }
        self.screen = screen
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        _ = certmap_keypad_on()
        certmap_input_timeout(inputTimeoutMilliseconds)
        set_escdelay(25)
        curs_set(0)
        configure(theme)
    }

    deinit {
        shutdown()
    }

    private func configure(_ theme: Theme) {
        let colorful = has_colors() && theme.usesColor
        if colorful {
            start_color()
            use_default_colors()
        }
        let fitted = theme.fitted(toColors: colorful ? Int(certmap_colors()) : 0)
        for (offset, role) in StyleRole.allCases.enumerated() {
            let style = fitted.style(for: role)
            attributes[role] = UInt32(style.attributes.rawValue)
            guard colorful else {
                pairs[role] = 0
                continue
            }
            let pair = Int16(offset + 1)
            init_pair(pair, Self.color(style.foreground), Self.color(style.background))
            pairs[role] = pair
        }
    }

    private static func color(_ color: TerminalColor) -> Int16 {
        switch color {
        case .terminalDefault: return -1
        case .indexed(let index): return Int16(index) < Int16(truncatingIfNeeded: certmap_colors()) ? Int16(index) : -1
        }
    }

    public var size: TerminalSize {
        TerminalSize(width: Int(certmap_width()), height: Int(certmap_height()))
    }

    public func draw(_ buffer: ScreenBuffer) {
        guard active else { return }
        if previous?.width != buffer.width || previous?.height != buffer.height {
            previous = nil
            _ = certmap_clear_all()
        }
        for y in 0..<buffer.height {
            var x = 0
            while x < buffer.width {
                let cell = buffer[x, y]
                if let previous, previous[x, y] == cell || cell.isContinuation {
                    x += 1
                    continue
                }
                if cell.isContinuation {
                    x += 1
                    continue
                }
                // A run of changed cells in one role goes out in one call.
                var run = cell.grapheme
                let start = x
                x += 1
                while x < buffer.width, buffer[x, y].role == cell.role, previous.map({ $0[x, y] != buffer[x, y] }) ?? true {
                    run += buffer[x, y].grapheme
                    x += 1
                }
                _ = certmap_set_style(pairs[cell.role] ?? 0, attributes[cell.role] ?? 0)
                _ = certmap_put(Int32(y), Int32(start), run)
            }
        }
        refresh()
        previous = buffer
    }

    public func nextInput() -> TerminalInput? {
        guard active else { return nil }
        var value: UInt32 = 0
        let result = certmap_read(&value)
        if result == ERR { return nil }
        if result == certmap_key_code_yes() {
            return Self.decodeKeyCode(certmap_translate_key(value), size: size)
        }
        return Self.decodeCharacter(value).map(TerminalInput.key)
    }

    private static func decodeKeyCode(_ code: Int32, size: TerminalSize) -> TerminalInput? {
        let keys: [Int32: Key] = [
            1: .up, 2: .down, 3: .left, 4: .right, 5: .pageUp, 6: .pageDown, 7: .home, 8: .end,
            9: .backspace, 10: .delete, 11: .backTab, 12: .enter,
        ]
        if code == 13 { return .resize(size) }
        if code > 100 { return .key(.function(Int(code - 100))) }
        return keys[code].map(TerminalInput.key)
    }

    /// Characters as get_wch returns them in cbreak/nonl mode.
    static func decodeCharacter(_ value: UInt32) -> Key? {
        switch value {
        case 13, 10: return .enter
        case 9: return .tab
        case 27: return .escape
        case 127, 8: return .backspace
        case 1...26: return Unicode.Scalar(value + 96).map { .control(Character($0)) }
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }

    public func shutdown() {
        guard active else { return }
        active = false
        endwin()
        delscreen(screen)
        certmap_uninstall_crash_restore()
    }
}

/// Why the console cannot take over the terminal, in one sentence for the operator.
public struct TerminalUnavailable: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String

    public var description: String { "cannot open the console: \(reason)" }
}
