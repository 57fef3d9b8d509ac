import CertMapProxy
import XCTest

final class ClientRouteTests: XCTestCase {
    func testRouteNamesMatchWhatTheServerRecords() {
        XCTAssertEqual(ClientRoute.allCases.map(\.rawValue), ["direct", "forward", "reverse"])
        XCTAssertEqual(UpstreamReusePolicy(rawValue: "always"), .always)
        XCTAssertNil(UpstreamReusePolicy(rawValue: "sometimes"))
    }
}
