import XCTest

@testable import CertMapCore

/// IIS match criteria: literal text where `*` is any run of characters, NFC-normalised,
/// case-insensitive unless the rule says otherwise.
final class WildcardPatternTests: XCTestCase {
    private func pattern(_ source: String, caseSensitive: Bool = false) -> WildcardPattern {
        WildcardPattern(source, caseSensitive: caseSensitive)
    }

    func testExactPatternMatchesOnlyTheWholeValue() {
        let contoso = pattern("Contoso")
        XCTAssertTrue(contoso.isExact)
        XCTAssertTrue(contoso.matches("Contoso"))
        XCTAssertFalse(contoso.matches("Contoso Ltd"))
        XCTAssertFalse(contoso.matches("The Contoso"))
        XCTAssertFalse(contoso.matches(""))
    }

    func testLeadingStarMatchesAnySuffixedValue() {
        let domain = pattern("*@contoso.example")
        XCTAssertFalse(domain.isExact)
        XCTAssertTrue(domain.matches("alice@contoso.example"))
        XCTAssertTrue(domain.matches("@contoso.example"))
        XCTAssertFalse(domain.matches("alice@contoso.example.evil"))
        XCTAssertFalse(domain.matches("alice@fabrikam.example"))
    }

    func testTrailingStarMatchesAnyPrefixedValue() {
        let service = pattern("svc-*")
        XCTAssertTrue(service.matches("svc-backup"))
        XCTAssertTrue(service.matches("svc-"))
        XCTAssertFalse(service.matches("svc"))
        XCTAssertFalse(service.matches("my-svc-backup"))
    }

    func testMiddleStarNeedsBothEndsWithoutOverlap() {
        let middle = pattern("a*a")
        XCTAssertTrue(middle.matches("aa"))
        XCTAssertTrue(middle.matches("abba"))
        XCTAssertFalse(middle.matches("a"))
        XCTAssertFalse(middle.matches("ab"))
    }

    func testSeveralStarsMatchPiecesInOrder() {
        let several = pattern("*Sales*EMEA*")
        XCTAssertTrue(several.matches("Sales EMEA"))
        XCTAssertTrue(several.matches("Contoso Sales, EMEA region"))
        XCTAssertFalse(several.matches("EMEA Sales"))
        let anchored = pattern("C*t*o")
        XCTAssertTrue(anchored.matches("Contoso"))
        XCTAssertTrue(anchored.matches("Cto"))
        XCTAssertFalse(anchored.matches("Contosa"))
    }

    func testStarAloneAndDoubleStarMatchEverythingIncludingEmpty() {
        for source in ["*", "**", "***"] {
            XCTAssertTrue(pattern(source).matches(""), source)
            XCTAssertTrue(pattern(source).matches("anything at all"), source)
        }
    }

    func testEmptyPatternMatchesOnlyTheEmptyValue() {
        XCTAssertTrue(pattern("").matches(""))
        XCTAssertFalse(pattern("").matches("x"))
    }

    func testCaseInsensitivePatternIgnoresCaseBothWays() {
        XCTAssertTrue(pattern("Contoso").matches("CONTOSO"))
        XCTAssertTrue(pattern("CONTOSO").matches("contoso"))
        XCTAssertTrue(pattern("*@CONTOSO.example").matches("Alice@contoso.EXAMPLE"))
        XCTAssertTrue(pattern("müller").matches("MÜLLER"))
    }

    func testCaseSensitivePatternRejectsAnyCaseDifference() {
        XCTAssertTrue(pattern("Contoso", caseSensitive: true).matches("Contoso"))
        XCTAssertFalse(pattern("Contoso", caseSensitive: true).matches("contoso"))
        XCTAssertFalse(pattern("contoso", caseSensitive: true).matches("Contoso"))
        XCTAssertFalse(pattern("svc-*", caseSensitive: true).matches("SVC-backup"))
        XCTAssertTrue(pattern("svc-*", caseSensitive: true).matches("svc-Backup"))
    }

    func testComposedAndDecomposedUnicodeAreTheSameValue() {
        let composed = "J\u{00FC}rgen"  // ü as one scalar (NFC)
        let decomposed = "Ju\u{0308}rgen"  // u + combining diaeresis (NFD)
        XCTAssertNotEqual(Array(composed.unicodeScalars), Array(decomposed.unicodeScalars))
        XCTAssertTrue(pattern(composed).matches(decomposed))
        XCTAssertTrue(pattern(decomposed).matches(composed))
        XCTAssertTrue(pattern(composed, caseSensitive: true).matches(decomposed))
        XCTAssertTrue(pattern("J*\u{00FC}*").matches("Ju\u{0308}rgen"))
    }

    func testNonASCIILiteralsMatch() {
        XCTAssertTrue(pattern("株式会社*").matches("株式会社コントソ"))
        XCTAssertFalse(pattern("株式会社*").matches("有限会社コントソ"))
    }

    func testIndexPrefixIsTheLowerCasedLiteralBeforeTheFirstStar() {
        XCTAssertEqual(pattern("Contoso").indexPrefix, "contoso")
        XCTAssertEqual(pattern("SVC-*").indexPrefix, "svc-")
        XCTAssertEqual(pattern("SVC-*", caseSensitive: true).indexPrefix, "svc-")
        XCTAssertEqual(pattern("a*b*c").indexPrefix, "a")
        XCTAssertNil(pattern("*@contoso.example").indexPrefix)
        XCTAssertNil(pattern("*").indexPrefix)
    }

    func testIndexSuffixIsTheLowerCasedLiteralAfterTheLastStar() {
        XCTAssertEqual(pattern("*@Contoso.Example").indexSuffix, "@contoso.example")
        XCTAssertEqual(pattern("a*b*c").indexSuffix, "c")
        XCTAssertNil(pattern("svc-*").indexSuffix)
        XCTAssertNil(pattern("Contoso").indexSuffix, "an exact pattern is indexed by its prefix only")
        XCTAssertNil(pattern("*").indexSuffix)
    }

    func testSourceIsKeptAsWritten() {
        let written = pattern("Ju\u{0308}rgen*", caseSensitive: true)
        XCTAssertEqual(written.source, "Ju\u{0308}rgen*")
        XCTAssertEqual(written.description, "Ju\u{0308}rgen*")
        XCTAssertTrue(written.isCaseSensitive)
    }
}
