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
}
