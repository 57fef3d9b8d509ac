import Foundation
import CertMapCore
import XCTest

/// The server certificate's expiry as `certmap doctor` judges it, on the demo PKI seen at
/// different times: fine now, a warning within 30 days, an error once expired.
final class CertificateChecksTests: XCTestCase {
    func testTheServerCertificateIsAWarningWithinThirtyDaysAndAnErrorOnceExpired() throws {
        let temporary = try TemporaryDirectory(prefix: "certmap-doctor")
        defer { temporary.remove() }
        let pki = temporary.url.appendingPathComponent("pki")
        try DemoPKI.initialize(in: pki, now: Date())
        let chain = try CertificateLoader.certificates(at: pki.appendingPathComponent("server.crt"))
        let bundle = try CertificateLoader.certificates(at: pki.appendingPathComponent("ca-bundle.pem"))
        let expiry = chain[0].notValidAfter
        XCTAssertEqual(CertificateChecks.serverChain(chain, known: bundle, file: "server.crt", now: Date()), [])
        let soon = CertificateChecks.serverChain(chain, known: bundle, file: "server.crt", now: expiry - 10 * 86_400)
        XCTAssertEqual(soon.map(\.severity), [.warning])
        XCTAssertTrue(soon[0].message.contains("expires in 10 day(s)") || soon[0].message.contains("expires in 9 day(s)"), soon[0].message)
        let expired = CertificateChecks.serverChain(chain, known: bundle, file: "server.crt", now: expiry + 86_400)
        XCTAssertEqual(expired.first?.severity, .error)
        XCTAssertTrue(expired.first?.message.contains("expired on") == true)
        XCTAssertEqual(CertificateChecks.clock(now: Date(), latestIssued: ("the server certificate", Date() + 86_400)).first?.severity, .error)
    }
}
