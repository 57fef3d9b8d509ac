import CertMapCore
import CertMapJournal
import CertMapTestSupport
import XCTest

@testable import CertMapConsole

/// Property tests for the filter language, from seeded generators: every input parses to a tree
/// that prints back to itself and can be matched, or fails with a `FilterError` whose column lies
/// inside the text (or just after it). Pathological nesting and length are refused, not crashed on.
final class FilterParserFuzzTests: XCTestCase {
    private static let iterations = 3000

    private static let fragments = [
        "~s", "~d", "~acct", "~cert", "~route", "~mode", "~path", "~conn", "~zz", "~", "401", "401.2", "4o1", "alice", "CN=bob",
        "proxy", "#12", "12", "-1", "99999999999999999999", "\"", "\"a b\"", "\"x\\\"y\"", "\\", "!", "&", "|", "(", ")", " ", "  ", "\t",
        "é", "🙂", "~s 401", "!(", ")(", "&&", "||",
    ]

    private var records: [RequestRecord] {
        ConsoleFixtures.events.compactMap { if case .request(let record) = $0.kind { return record } else { return nil } }
    }

    private func assertParsesBackOrFailsAtAColumn(_ text: String, _ what: @autoclosure () -> String) -> Bool {
        do {
            let tree = try FilterParser.parse(text)
            XCTAssertEqual(try? FilterParser.parse(tree.description), tree, "\(tree.description) — \(what())")
            _ = records.filter { tree.matches($0) }
            return true
        } catch {
            XCTAssertTrue((1...text.count + 1).contains(error.column), "column \(error.column) outside \(text.count + 1) — \(what())")
            XCTAssertFalse(error.message.isEmpty, what())
            return false
        }
    }

    func testRandomTokenSoupParsesBackOrFailsAtAColumn() {
        var generator = SeededGenerator(seed: 0xF117E5)
        var outcomes = (parsed: 0, failed: 0)
        for iteration in 0..<Self.iterations {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Self.fragments.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            if assertParsesBackOrFailsAtAColumn(text, "iteration \(iteration): \(text.debugDescription)") { outcomes.parsed += 1 } else { outcomes.failed += 1 }
        }
        XCTAssertGreaterThan(outcomes.parsed, Self.iterations / 10, "\(outcomes)")
        XCTAssertGreaterThan(outcomes.failed, Self.iterations / 10, "\(outcomes)")
    }

    func testRandomCharactersParseBackOrFailAtAColumn() {
        var generator = SeededGenerator(seed: 0xC4A7)
        let alphabet = Array("~!&|()\" \\abcs01.#é\u{0}\n")
        for iteration in 0..<Self.iterations {
            let text = String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            _ = assertParsesBackOrFailsAtAColumn(text, "iteration \(iteration): \(text.debugDescription)")
        }
    }

    func testPathologicalNestingIsRefusedWithAColumn() {
        XCTAssertEqual(error(String(repeating: "!", count: 100) + "alice"), FilterError(column: 65, message: "nested more than 64 levels deep"))
        XCTAssertEqual(error(String(repeating: "!", count: 100_000) + "alice"), FilterError(column: 513, message: "filter too long: more than 512 terms and operators"))
        XCTAssertEqual(error(String(repeating: "(", count: 100_000)), FilterError(column: 513, message: "filter too long: more than 512 terms and operators"))
        XCTAssertEqual(error(String(repeating: "(", count: 65) + "a" + String(repeating: ")", count: 65)), FilterError(column: 65, message: "nested more than 64 levels deep"))
        XCTAssertNotNil(try? FilterParser.parse(String(repeating: "(", count: 64) + "a" + String(repeating: ")", count: 64)))
        XCTAssertEqual(error(Array(repeating: "~s 401", count: 200).joined(separator: " | ")), FilterError(column: 1_538, message: "filter too long: more than 512 terms and operators"))
    }

    /// Found by the libFuzzer target (Fuzz/): a filter nested to the limit with a chain of `&`
    /// around it printed with a pair of parentheses per operator, so its spelling nested deeper
    /// than the limit and did not parse back.
    func testAFilterNestedToTheLimitPrintsBackToTheSameTree() throws {
        let limit = FilterParser.maximumNesting
        let text = String(repeating: "(", count: limit) + "a & b" + String(repeating: ")", count: limit) + " & c & !d | e f"
        let tree = try FilterParser.parse(text)
        XCTAssertEqual(try FilterParser.parse(tree.description), tree, tree.description)
        XCTAssertEqual(try FilterParser.parse("a & (b | c) | !(d & e)").description, "a & (b | c) | !(d & e)")
    }

    /// Found by `testRandomCharactersParseBackOrFailAtAColumn`: a value with a backslash printed
    /// quoted but unescaped, so the printed filter meant something else (or did not parse).
    func testValuesWithBackslashesPrintBackToTheSameTree() throws {
        for text in [#""a\\b c""#, #"~path "C:\\dir name\\""#, #"~acct "x\"y""#] {
            let tree = try FilterParser.parse(text)
            XCTAssertEqual(try FilterParser.parse(tree.description), tree, text)
        }
        XCTAssertEqual(FilterExpression.text(#"dir\ x"#).description, #""dir\\ x""#)
    }

    private func error(_ text: String) -> FilterError? {
        do {
            _ = try FilterParser.parse(text)
            return nil
        } catch {
            return error
        }
    }
}
