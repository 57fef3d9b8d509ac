import XCTest

@testable import CertMapConsole

/// Key lookup per context (context first, then global) and the help generated from the table.
final class KeymapTests: XCTestCase {
    private let keymap = Keymap.standard

    func testMitmproxyKeysMapToTheirCommands() {
        XCTAssertEqual(keymap.command(for: .character("?"), in: .flowList), .toggleHelp)
        XCTAssertEqual(keymap.command(for: .character("q"), in: .flowList), .back)
        XCTAssertEqual(keymap.command(for: .character("f"), in: .flowList), .filter)
        XCTAssertEqual(keymap.command(for: .character("/"), in: .flowList), .search)
        XCTAssertEqual(keymap.command(for: .character("m"), in: .events), .switchMode)
        XCTAssertEqual(keymap.command(for: .character("p"), in: .detail), .togglePause)
        XCTAssertEqual(keymap.command(for: .character("!"), in: .flowList), .diagnose)
        XCTAssertEqual(keymap.command(for: .character("r"), in: .flowList), .replay)
        XCTAssertEqual(keymap.command(for: .character("e"), in: .mappings), .edit)
        XCTAssertEqual(keymap.command(for: .character("3"), in: .detail), .showScreen(.mappings))
        XCTAssertEqual(keymap.command(for: .down, in: .connections), .moveDown)
        XCTAssertEqual(keymap.command(for: .pageDown, in: .events), .pageDown)
    }

    func testContextBindingsWinOverGlobalOnes() {
        XCTAssertEqual(keymap.command(for: .tab, in: .flowList), .nextTab)
        XCTAssertEqual(keymap.command(for: .enter, in: .flowList), .openDetail)
        XCTAssertEqual(keymap.command(for: .enter, in: .connections), .filterConnection)
        XCTAssertEqual(keymap.command(for: .enter, in: .events), .openDetail)
        XCTAssertEqual(keymap.command(for: .character("f"), in: .events), .filter)
        XCTAssertNil(keymap.command(for: .character("r"), in: .events))
    }

    func testNoKeyIsBoundTwiceInOneContext() {
        for context in KeyContext.allCases {
            let keys = keymap.bindings.filter { $0.context == context }.flatMap(\.keys)
            XCTAssertEqual(keys.count, Set(keys).count, "duplicate key in \(context)")
        }
    }

    func testHelpListsTheContextThenEverywhere() {
        let sections = keymap.helpSections(for: .detail)
        XCTAssertEqual(sections.map(\.context), [.detail, .global])
        XCTAssertEqual(sections[0].bindings.first?.label, "tab l →")
        XCTAssertTrue(sections[1].bindings.contains { $0.command == .switchMode && $0.label == "m" })
    }

    func testHelpOverlayShowsEveryBindingOfTheContext() {
        var state = ConsoleFixtures.state(width: 120, height: 40)
        ConsoleReducer.apply(.key(.character("?")), to: &state)
        // Wrapped help continues under itself: compare words, not line breaks.
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let text = words(HelpOverlayView.lines(state).map { $0.map(\.text).joined() }.joined(separator: " "))
        for binding in keymap.bindings where binding.context == .flowList || binding.context == .global {
            XCTAssertTrue(text.contains(words(binding.help)), "help misses \(binding.help)")
        }
        XCTAssertTrue(text.contains("~cert"))
    }

    func testHelpWrapsInsteadOfCuttingOffOnTheSmallestTerminal() {
        var state = ConsoleFixtures.state(width: 60, height: 16)
        ConsoleReducer.apply(.key(.character("?")), to: &state)
        let lines = HelpOverlayView.lines(state).map { $0.map(\.text).joined() }
        XCTAssertTrue(lines.allSatisfy { CharacterWidth.columns(of: $0) <= 56 - 2 }, "\(lines.filter { CharacterWidth.columns(of: $0) > 54 })")
        let binding = keymap.bindings.first { $0.command == .startScenario }!
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        XCTAssertTrue(words(lines.joined(separator: " ")).contains(words(binding.help)), "every word of a long help line is there")
    }
}
