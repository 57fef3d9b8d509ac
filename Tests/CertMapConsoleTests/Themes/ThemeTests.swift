import Foundation
import XCTest

@testable import CertMapConsole

/// Theme files, their errors, the built-ins, colour fitting and NO_COLOR.
final class ThemeTests: XCTestCase {
    private var repositoryThemes: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
    }

    private func parseError(_ text: String) -> ThemeError? {
        do {
            _ = try ThemeParser.parse(text, name: "t")
            return nil
        } catch {
            return error
        }
    }

    func testParsesRolesColoursAndAttributes() throws {
        let theme = try ThemeParser.parse(
            """
            # comment
            normal = default default
            decision-401 = yellow color236 bold,underline   # trailing comment
            selected = bright-white 24 reverse bold
            """, name: "t")
        XCTAssertEqual(theme.style(for: .normal), Style())
        XCTAssertEqual(theme.style(for: .decision401), Style(.indexed(3), .indexed(236), [.bold, .underline]))
        XCTAssertEqual(theme.style(for: .selected), Style(.indexed(15), .indexed(24), [.reverse, .bold]))
        XCTAssertEqual(theme.style(for: .muted), Style(), "unset roles look like normal")
    }

    func testErrorsNameTheLine() {
        XCTAssertEqual(parseError("normal = default default\ntitel = red blue"), ThemeError(source: "t.theme", line: 2, message: "unknown role 'titel' (roles: \(StyleRole.allCases.map(\.fileName).joined(separator: ", ")))"))
        XCTAssertEqual(parseError("normal = default default\n\nkey = purple default"), ThemeError(source: "t.theme", line: 3, message: "unknown colour 'purple'"))
        XCTAssertEqual(parseError("normal = default default\nkey = red"), ThemeError(source: "t.theme", line: 2, message: "'key' needs a foreground and a background colour (use 'default' for the terminal's)"))
        XCTAssertEqual(parseError("normal default default"), ThemeError(source: "t.theme", line: 1, message: "expected 'role = foreground background [attributes]'"))
        XCTAssertEqual(parseError("normal = default default\nnormal = red red"), ThemeError(source: "t.theme", line: 2, message: "role 'normal' is set twice"))
        XCTAssertEqual(parseError("normal = default default blink")?.line, 1)
        XCTAssertEqual(parseError("normal = default color256")?.message, "unknown colour 'color256'")
        XCTAssertEqual(parseError("key = red default"), ThemeError(source: "t.theme", line: nil, message: "the theme must set 'normal' (every role it leaves out falls back to it)"))
        XCTAssertEqual(parseError("key = red default")?.description, "t.theme: the theme must set 'normal' (every role it leaves out falls back to it)")
    }

    func testBuiltinThemesAreTheFilesInTheRepository() throws {
        for name in Theme.builtinNames {
            let text = try String(contentsOf: repositoryThemes.appendingPathComponent("\(name).theme"), encoding: .utf8)
            XCTAssertEqual(try ThemeParser.parse(text, name: name), Theme.builtin(named: name), name)
        }
    }

    func testBuiltinThemesStyleEveryRole() {
        for name in Theme.builtinNames {
            let theme = Theme.builtin(named: name)!
            XCTAssertEqual(Set(theme.styles.keys), Set(StyleRole.allCases), name)
        }
        XCTAssertFalse(Theme.monochrome.usesColor)
        XCTAssertTrue(Theme.dark.usesColor)
        XCTAssertEqual(Theme.builtin(named: "mono"), .monochrome)
    }

    func testFileTextRoundTrips() throws {
        for name in Theme.builtinNames {
            let theme = Theme.builtin(named: name)!
            XCTAssertEqual(try ThemeParser.parse(theme.fileText, name: name), theme)
        }
    }

    func testRoleFileNames() {
        XCTAssertEqual(StyleRole.decision401.fileName, "decision-401")
        XCTAssertEqual(StyleRole.statusBar.fileName, "status-bar")
        XCTAssertEqual(StyleRole(fileName: "Decision-OK"), .decisionOK)
    }

    func testColoursFitEightColourTerminals() {
        XCTAssertEqual(TerminalColor.indexed(196).fitted(toColors: 8), .indexed(1), "bright red cube colour becomes red")
        XCTAssertEqual(TerminalColor.indexed(28).fitted(toColors: 8), .indexed(2), "dark green becomes green")
        XCTAssertEqual(TerminalColor.indexed(24).fitted(toColors: 8), .indexed(4), "steel blue becomes blue")
        XCTAssertEqual(TerminalColor.indexed(236).fitted(toColors: 8), .indexed(0), "dark grey becomes black")
        XCTAssertEqual(TerminalColor.indexed(250).fitted(toColors: 8), .indexed(7), "light grey becomes white")
        XCTAssertEqual(TerminalColor.indexed(9).fitted(toColors: 8), .indexed(1))
        XCTAssertEqual(TerminalColor.indexed(9).fitted(toColors: 16), .indexed(9))
        XCTAssertEqual(TerminalColor.indexed(196).fitted(toColors: 256), .indexed(196))
        XCTAssertEqual(TerminalColor.terminalDefault.fitted(toColors: 8), .terminalDefault)
        let fitted = Theme.dark.fitted(toColors: 8)
        for style in fitted.styles.values {
            for color in [style.foreground, style.background] {
                if case .indexed(let index) = color { XCTAssertLessThan(index, 8) }
            }
        }
        XCTAssertFalse(Theme.dark.fitted(toColors: 0).usesColor)
    }

    func testNoColorChoosesMonochromeWhateverWasRequested() throws {
        let catalog = ThemeCatalog(directories: [repositoryThemes])
        XCTAssertEqual(try catalog.resolve(requested: "light", environment: ["NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(try catalog.resolve(requested: nil, environment: ["NO_COLOR": ""]).name, "dark", "an empty NO_COLOR is ignored")
        XCTAssertEqual(try catalog.resolve(requested: nil, environment: ["CERTMAP_THEME": "light"]), .light)
    }

    func testUserDirectoryOverridesAndUnknownNamesFailClearly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "normal = green black bold\n".write(to: directory.appendingPathComponent("dark.theme"), atomically: true, encoding: .utf8)
        try "normal = default default\nkey = nope default\n".write(to: directory.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(directories: [directory, repositoryThemes])
        XCTAssertEqual(try catalog.resolve(requested: "dark", environment: [:]).style(for: .normal), Style(.indexed(2), .indexed(0), .bold))
        XCTAssertEqual(try catalog.resolve(requested: "high-contrast", environment: [:]), .highContrast)
        XCTAssertThrowsError(try catalog.resolve(requested: "broken", environment: [:])) { error in
            XCTAssertEqual((error as? ThemeError)?.line, 2)
            XCTAssertTrue("\(error)".hasSuffix("broken.theme line 2: unknown colour 'nope'"))
        }
        XCTAssertThrowsError(try ThemeCatalog(directories: []).resolve(requested: "solarized", environment: [:])) { error in
            XCTAssertEqual("\(error)", "theme 'solarized': not found in no directories; built-in themes: dark, light, high-contrast, monochrome")
        }
    }
}
