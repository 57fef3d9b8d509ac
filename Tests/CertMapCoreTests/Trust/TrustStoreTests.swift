import CertMapCore
import Foundation
import XCTest

final class TrustStoreTests: XCTestCase {
    private var temporary: TemporaryDirectory!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-truststore")
    }

    override func tearDown() {
        temporary.remove()
    }

    func testMissingBundleFileIsReportedByPath() {
        let url = temporary.url.appendingPathComponent("missing.pem")
        XCTAssertThrowsError(try TrustStore.load(bundleAt: url)) { error in
            guard case .unreadable(let source, _) = error as? TrustStoreError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(source, url.path)
            XCTAssertTrue("\(error)".hasPrefix(url.path))
        }
    }

    func testBundleWithoutCertificatesIsRejectedByPath() throws {
        let url = temporary.url.appendingPathComponent("empty.pem")
        try "just text\n".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrustStore.load(bundleAt: url)) { error in
            XCTAssertEqual(error as? TrustStoreError, .noCertificates(source: url.path))
        }
    }

    func testPrivateKeyInsideABundleIsReportedByBlockNumber() throws {
        let pki = temporary.url.appendingPathComponent("pki")
        try DemoPKI.initialize(in: pki, now: Date())
        let bundle = try String(contentsOf: pki.appendingPathComponent("ca-bundle.pem"), encoding: .utf8)
        let key = try String(contentsOf: pki.appendingPathComponent("alice.key"), encoding: .utf8)
        XCTAssertThrowsError(try TrustStore(bundlePEM: bundle + key, source: "bundle.pem")) { error in
            XCTAssertEqual(error as? TrustStoreError, .invalidCertificate(source: "bundle.pem", index: 3, reason: "found a PRIVATE KEY block"))
        }
    }

    func testBundleWithOnlyAnIntermediateHasNoTrustAnchor() throws {
        let pki = temporary.url.appendingPathComponent("pki")
        try DemoPKI.initialize(in: pki, now: Date())
        let intermediate = try String(contentsOf: pki.appendingPathComponent("intermediate-ca.crt"), encoding: .utf8)
        XCTAssertThrowsError(try TrustStore(bundlePEM: intermediate)) { error in
            XCTAssertEqual(error as? TrustStoreError, .noTrustAnchor(source: "CA bundle"))
        }
    }
}
