import CertMapCore
import X509
import XCTest

final class SerialNumberTextTests: XCTestCase {
    func testSerialsPrintAsUpperCaseHexWithoutLeadingZeroBytes() {
        XCTAssertEqual(SerialNumberText.hex(Certificate.SerialNumber(bytes: [0x00, 0xFF, 0x01])), "FF01")
        XCTAssertEqual(SerialNumberText.hex(Certificate.SerialNumber(bytes: [0x0A, 0xBC])), "0ABC")
    }

    func testTypedSerialsAcceptColonsCaseSpacesAndPrefixes() {
        XCTAssertEqual(SerialNumberText.normalized("3f:2a:01"), "3F2A01")
        XCTAssertEqual(SerialNumberText.normalized("0x00ff01"), "FF01")
        XCTAssertEqual(SerialNumberText.normalized("abc"), "0ABC")
        XCTAssertEqual(SerialNumberText.normalized("3F 2A"), "3F2A")
    }

    func testNonHexSerialIsRejected() {
        XCTAssertNil(SerialNumberText.normalized("alice"))
        XCTAssertNil(SerialNumberText.normalized(""))
    }
}
