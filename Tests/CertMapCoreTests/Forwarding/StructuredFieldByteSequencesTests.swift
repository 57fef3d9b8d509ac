import XCTest

@testable import CertMapCore

/// RFC 9440's use of RFC 8941, parsed by swift-http-structured-headers, explained in certmap's words.
final class StructuredFieldByteSequencesTests: XCTestCase {
    private func itemError(_ text: String) -> StructuredFieldByteSequences.Failure? {
        do {
            _ = try StructuredFieldByteSequences.item(text)
            return nil
        } catch {
            return error
        }
    }

    private func listError(_ text: String) -> StructuredFieldByteSequences.Failure? {
        do {
            _ = try StructuredFieldByteSequences.list(text)
            return nil
        } catch {
            return error
        }
    }

    func testByteSequencesWithParametersOfEveryTypeAreAccepted() throws {
        XCTAssertEqual(try StructuredFieldByteSequences.item("  :AQID:  "), "AQID")
        XCTAssertEqual(try StructuredFieldByteSequences.item(":AQID:;a=1;b=?0;c=\"s\";d=tok;e=:AA==:;f=1.5;*g"), "AQID")
        XCTAssertEqual(try StructuredFieldByteSequences.list(":AQ==:, :Ag==:;x=1,:Aw==:"), ["AQ==", "Ag==", "Aw=="])
        XCTAssertEqual(try StructuredFieldByteSequences.list(""), [])
    }

    func testWrongTypesAreNamedWithTheirMember() {
        XCTAssertEqual(itemError("abc"), .syntax("the value is not a byte sequence (no leading ':')"))
        XCTAssertEqual(itemError("\"quoted\""), .syntax("the value is not a byte sequence (no leading ':')"))
        XCTAssertEqual(itemError("(:AQ==:)"), .syntax("the value is an inner list, not a byte sequence"))
        XCTAssertEqual(itemError(":AQ==:, :Ag==:"), .listWhereItemExpected)
        XCTAssertEqual(listError(":AQ==:, 42"), .syntax("list member 2 is not a byte sequence (no leading ':')"))
        XCTAssertEqual(listError(":AQ==:, (:Ag==:)"), .syntax("list member 2 is an inner list, not a byte sequence"))
    }

    func testABrokenByteSequenceSaysWhereItBreaks() {
        XCTAssertEqual(itemError(":AQID"), .syntax("missing closing ':'"))
        XCTAssertEqual(itemError(":AQ!D:"), .syntax("unexpected '!' at offset 3 inside the byte sequence"))
        XCTAssertEqual(listError(":AQ==:, :A Q==:"), .syntax("unexpected byte 32 at offset 10 inside the byte sequence"))
    }

    func testOtherSyntaxErrorsSayWhatIsWrong() {
        XCTAssertEqual(itemError(":AQ==: junk"), .syntax("not valid RFC 8941 syntax (unexpected text after the value)"))
        XCTAssertEqual(listError(":AQ==:,"), .syntax("not valid RFC 8941 syntax (malformed list, e.g. a trailing or doubled comma)"))
        XCTAssertEqual(itemError(""), .syntax("the value is empty"))
    }
}
