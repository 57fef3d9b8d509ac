import Foundation
import XCTest
@testable import CertMapCore

/// The settings as the configuration file spells them.
final class ForwardedHeaderSettingsTests: XCTestCase {
    func testEmptyObjectDecodesToTheDefaults() throws {
        let settings = try JSONDecoder().decode(ForwardedHeaderSettings.self, from: Data("{}".utf8))
        XCTAssertEqual(settings, ForwardedHeaderSettings())
        XCTAssertEqual(settings.enabledFormats, [.rfc9440, .xfcc, .escapedPEM, .base64DER])
        XCTAssertEqual(settings.escapedPEMHeader, "X-SSL-Client-Cert")
        XCTAssertEqual(settings.base64DERHeader, "X-SSL-Client-DER")
        XCTAssertEqual(settings.maxHeaderValueBytes, 16384)
    }

    func testSettingsRoundTripThroughJSON() throws {
        let settings = ForwardedHeaderSettings(enabledFormats: [.xfcc, .base64DER], base64DERHeader: "X-Client-DER", maxHeaderValueBytes: 8192)
        let decoded = try JSONDecoder().decode(ForwardedHeaderSettings.self, from: JSONEncoder().encode(settings))
        XCTAssertEqual(decoded, settings)
    }

    func testUnknownFormatNameIsRejectedWithTheChoices() {
        let json = Data(#"{"enabledFormats": ["rfc9440", "pem"]}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(ForwardedHeaderSettings.self, from: json)) { error in
            XCTAssertTrue("\(error)".contains(#"unknown forwarded-certificate format "pem"; expected one of rfc9440, xfcc, escapedPEM, base64DER"#), "\(error)")
        }
    }

    func testUnknownKeyIsRejected() {
        XCTAssertThrowsError(try JSONDecoder().decode(ForwardedHeaderSettings.self, from: Data(#"{"maxHeaderBytes": 1}"#.utf8)))
    }
}
