import Foundation
import XCTest

@testable import CertMapCore

/// Inputs found by `scripts/fuzz.sh iis` (Fuzz/RESULTS.md), kept as regressions.
final class IISFuzzFindingsTests: XCTestCase {
    /// An XML declaration whose `encoding` quote is never closed: the reported encoding ran to the
    /// next quote, across lines, and the error came out on several lines.
    func testUnterminatedEncodingInTheXMLDeclarationIsReportedOnOneLine() {
        let xml = """
            <?xml version="1.0" encoding="o.example,CN=alice) -->
                <add enabled="true" userName="alice" />
            <configuration/> ?>
            """
        XCTAssertThrowsError(try IISConfigurationReader.read(Data(xml.utf8), source: "applicationHost.config")) { error in
            XCTAssertEqual(
                "\(error)",
                #"applicationHost.config: not well-formed XML at line 1: encoding "o.example,CN=alice) -->\n    <add enabled=" is not supported; save the file as UTF-8"#
            )
        }
    }

    /// FoundationXML dereferenced a null pointer (SEGV) for a processing instruction without data;
    /// this is the 28-byte input `scripts/fuzz.sh iis` found.
    func testProcessingInstructionWithoutDataIsAnErrorNotACrash() {
        for (xml, line) in [
            ("<?xmcertificateFik?>\n<!-- ap", 1),
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n<?target?></configuration>", 3),
            ("<?xml?><configuration/>", 1),
        ] {
            XCTAssertThrowsError(try IISConfigurationReader.read(Data(xml.utf8), source: "applicationHost.config"), xml) { error in
                XCTAssertEqual(
                    "\(error)",
                    "applicationHost.config: not well-formed XML at line \(line): processing instructions (<?…?>) other than the XML declaration are not accepted"
                )
            }
        }
        XCTAssertNoThrow(try XMLTreeParser.parse(Data("\u{FEFF}<?xml version=\"1.0\"?>\r\n<configuration/>".utf8), source: "bom.config"))
    }

    /// A certificate whose CN holds a control character (U+0003) named its one-to-one mapping; the
    /// export wrote it raw into an XML comment, which no XML reader accepts (found by
    /// `scripts/fuzz.sh iis`, the import-export property).
    func testAControlCharacterInAMappingNameNeverMakesTheExportUnreadable() throws {
        let fixtures = try IISFixtures()
        let document = ConfigDocument(
            accounts: [AccountEntry(name: "carol")],
            oneToOne: [OneToOneEntry(name: "\u{3}arol \u{FFFF}x", account: "carol", sha256: fixtures.alice.sha256.colonHex)])
        let xml = IISConfigurationWriter.render(document).xml
        XCTAssertTrue(xml.contains("\u{FFFD}arol \u{FFFD}x"), xml)
        XCTAssertFalse(xml.unicodeScalars.contains { !IISXMLLines.isAllowedInXML($0) })
        XCTAssertNoThrow(try XMLTreeParser.parse(Data(xml.utf8), source: "export.config"))
    }
}
