import XCTest

@testable import CertMapCore

/// A refused certificate's near misses are searched once per generation and certificate; the
/// answer is the same every time.
final class NearMissMemoTests: XCTestCase {
    private let miss = NearMiss(kind: .letterCase, mapping: "many-to-one #1 \"Sales\"", account: "sales", detail: "O=contoso vs Contoso")

    func testARepeatedRefusalIsSearchedOnceAndAnsweredTheSame() {
        let memo = NearMissMemo()
        let certificate = Fingerprint(bytes: Array(repeating: 7, count: 32))
        var searches = 0
        let search = { () -> [NearMiss] in
            searches += 1
            return [self.miss]
        }
        XCTAssertEqual(memo.nearMisses(for: certificate, deny: nil, search: search), [miss])
        XCTAssertEqual(memo.nearMisses(for: certificate, deny: nil, search: search), [miss])
        XCTAssertEqual(searches, 1)
        XCTAssertEqual(memo.nearMisses(for: certificate, deny: "Contractors", search: search), [miss], "refused by a deny is another question")
        XCTAssertEqual(searches, 2)
    }

    func testPastItsCapacityTheMemoSearchesEveryTimeAndKeepsNothingNew() {
        let memo = NearMissMemo()
        for index in 0..<NearMissMemo.capacity {
            _ = memo.nearMisses(for: Fingerprint(bytes: Self.bytes(index)), deny: nil) { [] }
        }
        var searches = 0
        for _ in 0..<3 {
            _ = memo.nearMisses(for: Fingerprint(bytes: Self.bytes(NearMissMemo.capacity)), deny: nil) {
                searches += 1
                return []
            }
        }
        XCTAssertEqual(searches, 3)
    }

    private static func bytes(_ index: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(index).bigEndian) { Array($0) } + Array(repeating: 0, count: 24)
    }
}
