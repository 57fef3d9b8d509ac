import XCTest

@testable import CertMapConsole

/// Clipping, ellipsis, wide characters and boxes in the pure screen buffer.
final class ScreenBufferTests: XCTestCase {
    func testTextThatFitsIsWrittenWhole() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        XCTAssertEqual(buffer.write("alice", x: 2, y: 0, role: .key), 5)
        XCTAssertEqual(buffer.line(0), "  alice   ")
        XCTAssertEqual(buffer[2, 0].role, .key)
        XCTAssertEqual(buffer[7, 0].role, .normal)
    }

    func testLongTextEndsWithEllipsisAtTheLimit() {
        var buffer = ScreenBuffer(width: 12, height: 1)
        XCTAssertEqual(buffer.write("/portal/styles.css", x: 0, y: 0, maxWidth: 8), 8)
        XCTAssertEqual(buffer.line(0), "/portal…    ")
    }

    func testClipOverflowCutsWithoutMark() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.write("certmap", x: 0, y: 0, overflow: .clip)
        XCTAssertEqual(buffer.line(0), "certma")
    }

    func testWritingOutsideTheBufferIsIgnored() {
        var buffer = ScreenBuffer(width: 4, height: 2)
        XCTAssertEqual(buffer.write("x", x: 0, y: 5), 0)
        XCTAssertEqual(buffer.write("x", x: 9, y: 0), 0)
        buffer.fill(Rect(x: -3, y: -3, width: 100, height: 100), with: "#")
        XCTAssertEqual(buffer.text, "####\n####\n")
    }

    func testWideCharacterTakesTwoColumnsWithAContinuationCell() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        XCTAssertEqual(buffer.write("日本", x: 0, y: 0), 4)
        XCTAssertEqual(buffer[0, 0].grapheme, "日")
        XCTAssertTrue(buffer[1, 0].isContinuation)
        XCTAssertEqual(buffer[2, 0].grapheme, "本")
        XCTAssertEqual(buffer.line(0), "日本  ")
    }

    func testWideCharacterThatWouldStraddleTheLimitBecomesABlank() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.write("ab日", x: 0, y: 0, maxWidth: 3, overflow: .clip)
        XCTAssertEqual(buffer.line(0), "ab    ")
        XCTAssertFalse(buffer.cells.contains { $0.isContinuation })
    }

    func testEllipsisAfterWideCharactersKeepsColumnsAligned() {
        var buffer = ScreenBuffer(width: 8, height: 1)
        XCTAssertEqual(buffer.write("証明書マッピング", x: 0, y: 0, maxWidth: 6), 6)
        XCTAssertEqual(buffer.line(0), "証明 …  ")
    }

    func testOverwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.write("日", x: 0, y: 0)
        buffer.write("x", x: 1, y: 0)
        XCTAssertEqual(buffer.line(0), " x  ")
        buffer.write("本", x: 2, y: 0)
        buffer.write("y", x: 2, y: 0)
        XCTAssertEqual(buffer.line(0), " xy ")
    }

    func testCombiningMarksStayWithTheirBaseCharacter() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        XCTAssertEqual(buffer.write("Zoe\u{0301}", x: 0, y: 0), 3)
        XCTAssertEqual(buffer[2, 0].grapheme, "e\u{0301}")
    }

    func testControlCharactersAreShownAsQuestionMarks() {
        var buffer = ScreenBuffer(width: 3, height: 1)
        buffer.write("a\u{1B}b", x: 0, y: 0)
        XCTAssertEqual(buffer.line(0), "a?b")
    }

    func testRightAlignedTextEndsAtTheEdge() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        XCTAssertEqual(buffer.writeRight("? help", rightEdge: 10, y: 0), 4)
        XCTAssertEqual(buffer.line(0), "    ? help")
    }

    func testBoxDrawsCornersEdgesAndTitle() {
        var buffer = ScreenBuffer(width: 12, height: 3)
        buffer.box(buffer.area, glyphs: .unicode, title: "Help")
        XCTAssertEqual(buffer.text, "┌─ Help ───┐\n│          │\n└──────────┘\n")
        var ascii = ScreenBuffer(width: 4, height: 3)
        ascii.box(ascii.area, glyphs: .ascii)
        XCTAssertEqual(ascii.text, "+--+\n|  |\n+--+\n")
    }

    func testTextTrimsTrailingBlanksPerLine() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        buffer.write("ab", x: 0, y: 1)
        XCTAssertEqual(buffer.text, "\nab\n")
    }

    func testCharacterWidths() {
        XCTAssertEqual(CharacterWidth.columns(of: "a" as Character), 1)
        XCTAssertEqual(CharacterWidth.columns(of: "✓" as Character), 1)
        XCTAssertEqual(CharacterWidth.columns(of: "한" as Character), 2)
        XCTAssertEqual(CharacterWidth.columns(of: "Ａ" as Character), 2)
        XCTAssertEqual(CharacterWidth.columns(of: "🔒" as Character), 2)
        XCTAssertEqual(CharacterWidth.columns(of: "\t" as Character), 0)
        XCTAssertEqual(CharacterWidth.columns(of: "CN=田中"), 7)
    }

    func testGlyphsFollowTheLocale() {
        XCTAssertEqual(GlyphSet.forEnvironment(["LANG": "en_US.UTF-8"]), .unicode)
        XCTAssertEqual(GlyphSet.forEnvironment(["LANG": "en_US.UTF-8", "LC_ALL": "C"]), .ascii)
        XCTAssertEqual(GlyphSet.forEnvironment(["LC_CTYPE": "C.utf8"]), .unicode)
        XCTAssertEqual(GlyphSet.forEnvironment([:]), .ascii)
    }
}
