import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// The filter language: trees, precedence, errors with columns, and what each operator matches.
final class FilterParserTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func parse(_ text: String) throws -> FilterExpression { try FilterParser.parse(text) }

    private func error(_ text: String) -> FilterError? {
        do {
            _ = try FilterParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private var records: [RequestRecord] {
        F.events.compactMap { if case .request(let record) = $0.kind { return record } else { return nil } }
    }

    /// Trace ids of the fixture requests a filter lets through.
    private func matching(_ text: String) throws -> [String] {
        let expression = try parse(text)
        return records.filter { expression.matches($0) }.map(\.traceID)
    }

    func testOperatorsParseToTheirNodes() throws {
        XCTAssertEqual(try parse("~s 401"), .status("401"))
        XCTAssertEqual(try parse("~s 401.2"), .status("401.2"))
        XCTAssertEqual(try parse("~d legacy"), .decision("legacy"))
        XCTAssertEqual(try parse("~acct alice"), .account("alice"))
        XCTAssertEqual(try parse("~cert CN=bob"), .certificate("CN=bob"))
        XCTAssertEqual(try parse("~route proxy"), .route("proxy"))
        XCTAssertEqual(try parse("~mode legacy"), .mode("legacy"))
        XCTAssertEqual(try parse("~path /admin"), .path("/admin"))
        XCTAssertEqual(try parse("~conn 12"), .connection(12))
        XCTAssertEqual(try parse("~conn #12"), .connection(12))
        XCTAssertEqual(try parse("inbox"), .text("inbox"))
        XCTAssertEqual(try parse("~path \"/my docs\""), .path("/my docs"))
    }

    func testAndBindsTighterThanOrAndNotTighterThanAnd() throws {
        XCTAssertEqual(try parse("~s 401 | ~s 403 & !~acct bob"), .or(.status("401"), .and(.status("403"), .not(.account("bob")))))
        XCTAssertEqual(try parse("(~s 401 | ~s 403) & ~route proxy"), .and(.or(.status("401"), .status("403")), .route("proxy")))
    }

    func testJuxtapositionMeansAnd() throws {
        XCTAssertEqual(try parse("~s 401 ~route proxy"), .and(.status("401"), .route("proxy")))
    }

    func testDescriptionParsesBackToTheSameTree() throws {
        for text in ["~s 401 | ~s 403 & !~acct bob", "!(~cert \"CN=a b\" | inbox) ~conn 3", "~path \"/x\\\"y\""] {
            let tree = try parse(text)
            XCTAssertEqual(try parse(tree.description), tree, text)
        }
    }

    func testErrorsNameTheColumn() {
        XCTAssertEqual(error(""), FilterError(column: 1, message: "empty filter"))
        XCTAssertEqual(error("~s"), FilterError(column: 3, message: "~s needs a value, found end of filter"))
        XCTAssertEqual(error("~s abc"), FilterError(column: 4, message: "~s needs a status like 401 or 401.2, found 'abc'"))
        XCTAssertEqual(error("(~s 401"), FilterError(column: 8, message: "expected ')' to close '(' at column 1"))
        XCTAssertEqual(error("~s 401)"), FilterError(column: 7, message: "unmatched ')'"))
        XCTAssertEqual(error("~s 401 &"), FilterError(column: 9, message: "expected a filter term at end of filter"))
        XCTAssertEqual(error("~s 401 | | x")?.column, 10)
        XCTAssertEqual(error("~conn abc"), FilterError(column: 7, message: "~conn needs a connection number, found 'abc'"))
        XCTAssertEqual(error("~path \"/x"), FilterError(column: 7, message: "unterminated quoted string"))
        XCTAssertEqual(error("alice ~zz 1")?.column, 7)
        XCTAssertTrue(error("alice ~zz 1")?.message.hasPrefix("unknown operator '~zz'") ?? false)
    }

    func testStatusMatchesTheClassOrTheExactSubstatus() throws {
        XCTAssertEqual(try matching("~s 401"), ["t-0003", "t-0004"])
        XCTAssertEqual(try matching("~s 401.2"), ["t-0003", "t-0004"])
        XCTAssertEqual(try matching("~s 401.1"), [])
        XCTAssertEqual(try matching("~s 403.16"), ["t-0006"])
        XCTAssertEqual(try matching("~s 40"), [])
        XCTAssertEqual(try matching("~s 200"), ["t-0001", "t-0002", "t-0005"])
    }

    func testDecisionMatchesCodeOrReason() throws {
        XCTAssertEqual(try matching("~d legacyReset"), ["t-0003", "t-0004"])
        XCTAssertEqual(try matching("~d untrusted"), ["t-0006"])
        XCTAssertEqual(try matching("~d 403"), ["t-0006"])
    }

    func testFieldOperatorsMatchCaseInsensitiveSubstrings() throws {
        XCTAssertEqual(try matching("~acct ALICE"), ["t-0001"])
        XCTAssertEqual(try matching("~cert CN=bob"), ["t-0005"])
        XCTAssertEqual(try matching("~cert \"Evil Root\""), ["t-0006"])
        XCTAssertEqual(try matching("~route proxied"), ["t-0002", "t-0003", "t-0004", "t-0005"])
        XCTAssertEqual(try matching("~route direct"), ["t-0001", "t-0006"])
        XCTAssertEqual(try matching("~mode legacy"), ["t-0001", "t-0002", "t-0003", "t-0004", "t-0005", "t-0006"])
        XCTAssertEqual(try matching("~path /portal"), ["t-0001", "t-0002", "t-0003", "t-0004"])
        XCTAssertEqual(try matching("~conn 2"), ["t-0002", "t-0003", "t-0004"])
    }

    func testAccountFilterNeverMatchesRequestsWithoutAccount() throws {
        XCTAssertEqual(try matching("!~acct alice"), ["t-0002", "t-0003", "t-0004", "t-0005", "t-0006"])
        XCTAssertEqual(try matching("~acct -"), [])
    }

    func testCombinationsPickTheQ190009Failures() throws {
        XCTAssertEqual(try matching("~s 401 & ~route proxied & !~path .css"), ["t-0003"])
        XCTAssertEqual(try matching("(~acct bob | ~s 403) & !~route direct"), ["t-0005"])
    }

    func testBareWordsSearchEveryShownField() throws {
        XCTAssertEqual(try matching("inbox"), ["t-0003"])
        XCTAssertEqual(try matching("Finance"), ["t-0005"])
        XCTAssertEqual(try matching("t-0002"), ["t-0002"])
        XCTAssertEqual(try matching("403.16"), ["t-0006"])
    }
}
