import CertMapNIOSupport
import XCTest

/// A flood of refused connections becomes at most one report per address per second, and the
/// next report says how many went unreported.
final class RefusalCoalescerTests: XCTestCase {
    func testRefusalsFromOneAddressAreReportedOncePerSecondWithTheCountInBetween() {
        var coalescer = RefusalCoalescer()
        let second: Int64 = 1_000_000_000
        XCTAssertEqual(coalescer.refused(address: "10.0.0.1", now: 0), 0)
        for tick in 1...500 { XCTAssertNil(coalescer.refused(address: "10.0.0.1", now: Int64(tick) * 1_000_000)) }
        XCTAssertEqual(coalescer.refused(address: "10.0.0.2", now: 600_000_000), 0, "another address is reported at once")
        XCTAssertEqual(coalescer.refused(address: "10.0.0.1", now: second + 1), 500)
        XCTAssertEqual(coalescer.refused(address: "10.0.0.1", now: 3 * second), 0)
    }
}
