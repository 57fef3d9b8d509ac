@testable import CertMapConsole
import XCTest

final class FramePacerTests: XCTestCase {
    func testFramesAreCappedAtThirtyPerSecondHoweverOftenTheLoopTurns() {
        var pacer = FramePacer()
        let start = Date(timeIntervalSince1970: 1_000)
        var drawn = 0
        for millisecond in 0..<1_000 {
            let now = start.addingTimeInterval(Double(millisecond) / 1_000)
            if pacer.mayDraw(at: now) {
                pacer.drew(at: now)
                drawn += 1
            }
        }
        XCTAssertEqual(drawn, 30)
    }

    func testTicksComeFourTimesASecond() {
        var pacer = FramePacer()
        let start = Date(timeIntervalSince1970: 1_000)
        let ticks = (0..<100).filter { pacer.takeTick(at: start.addingTimeInterval(Double($0) / 100)) }.count
        XCTAssertEqual(ticks, 4)
    }
}
