import Foundation
import CertMapCore
import XCTest

/// Who may forward certificates: addresses, CIDR ranges, and an optional pinned certificate.
final class TrustedProxyTests: XCTestCase {
    func testCIDRRangesContainTheirAddressesOnly() throws {
        let loopback = try XCTUnwrap(IPAddressRange("127.0.0.0/8"))
        XCTAssertTrue(loopback.contains(try XCTUnwrap(IPAddress("127.0.0.2"))))
        XCTAssertFalse(loopback.contains(try XCTUnwrap(IPAddress("128.0.0.1"))))
        let narrow = try XCTUnwrap(IPAddressRange("10.1.2.0/23"))
        XCTAssertTrue(narrow.contains(try XCTUnwrap(IPAddress("10.1.3.255"))))
        XCTAssertFalse(narrow.contains(try XCTUnwrap(IPAddress("10.1.4.0"))))
        let single = try XCTUnwrap(IPAddressRange("127.0.0.2"))
        XCTAssertEqual(single.prefixLength, 32)
        XCTAssertFalse(single.contains(try XCTUnwrap(IPAddress("127.0.0.1"))))
    }

    func testIPv6AndIPv4MappedAddresses() throws {
        let v6 = try XCTUnwrap(IPAddressRange("::1/128"))
        XCTAssertTrue(v6.contains(try XCTUnwrap(IPAddress("::1"))))
        XCTAssertFalse(v6.contains(try XCTUnwrap(IPAddress("127.0.0.1"))), "families never match each other")
        XCTAssertEqual(IPAddress("::ffff:127.0.0.2"), IPAddress("127.0.0.2"))
        XCTAssertEqual(IPAddress("[::1]")?.description, "::1")
    }

    func testMalformedRangesAreRejected() {
        for text in ["", "127.0.0.300", "127.0.0.0/33", "::1/129", "localhost", "10.0.0.0/-1", "1.2.3.4/x"] {
            XCTAssertNil(IPAddressRange(text), text)
        }
    }

    func testPinnedCertificateMustMatch() throws {
        let pin = try XCTUnwrap(Fingerprint(hex: String(repeating: "AB", count: 32)))
        let other = try XCTUnwrap(Fingerprint(hex: String(repeating: "CD", count: 32)))
        let proxy = TrustedProxy(range: try XCTUnwrap(IPAddressRange("127.0.0.2")), certificateFingerprint: pin)
        let address = try XCTUnwrap(IPAddress("127.0.0.2"))
        XCTAssertTrue(proxy.admits(address: address, certificate: pin))
        XCTAssertFalse(proxy.admits(address: address, certificate: other))
        XCTAssertFalse(proxy.admits(address: address, certificate: nil))
    }

    func testServerSettingsAcceptAPresetNameOrFlagsAndReportBadEntries() throws {
        let preset = try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": "legacy-iis4"}}"#.utf8), file: "c.json")
        XCTAssertEqual(preset.server.authPersistence, AuthPersistencePreset.legacyIIS4.flags)
        let flags = try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": {"singleRequest": false, "singleRequestIfProxy": true, "singleRequestAlwaysIfProxy": false, "remapAfterReset": true}}}"#.utf8), file: "c.json")
        XCTAssertNil(flags.server.authPersistence.preset)
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"authPersistence": "legacy"}}"#.utf8), file: "c.json")) { error in
            XCTAssertEqual(String(describing: error), "c.json: server.authPersistence: unknown preset \"legacy\"; expected one of per-request, legacy-iis4, per-connection, or an object with the four flags")
        }
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"trustedProxies": [{"address": "10.0.0.0/40"}]}}"#.utf8), file: "c.json")) { error in
            XCTAssertEqual(String(describing: error), "c.json: server.trustedProxies[0].address: \"10.0.0.0/40\" is not an IP address or CIDR range")
        }
    }
}
