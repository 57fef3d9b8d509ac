import CertMapProxy
import XCTest

/// The rate limit is a pure schedule of request start times (no clocks, no sockets).
final class RateScheduleTests: XCTestCase {
    func testRequestsReadyTogetherAreSpacedEvenlyAtTheRate() {
        var schedule = RateSchedule(perSecond: 5)
        let starts = (0..<5).map { _ in schedule.reserve(at: .zero) }
        XCTAssertEqual(starts, [.zero, .milliseconds(200), .milliseconds(400), .milliseconds(600), .milliseconds(800)])
    }

    func testAfterAPauseTrafficResumesAtTheRateInsteadOfBursting() {
        var schedule = RateSchedule(perSecond: 2)
        XCTAssertEqual(schedule.reserve(at: .zero), .zero)
        XCTAssertEqual(schedule.reserve(at: .zero), .milliseconds(500))
        // Paused for ten seconds: the missed slots are not handed out all at once.
        XCTAssertEqual(schedule.reserve(at: .seconds(10)), .seconds(10))
        XCTAssertEqual(schedule.reserve(at: .seconds(10)), .milliseconds(10_500))
    }

    func testARequestReadyAfterItsSlotStartsAtOnce() {
        var schedule = RateSchedule(perSecond: 10)
        XCTAssertEqual(schedule.reserve(at: .milliseconds(50)), .milliseconds(50))
        XCTAssertEqual(schedule.reserve(at: .milliseconds(500)), .milliseconds(500))
    }

    func testWithoutARateEveryRequestStartsWhenReady() {
        var schedule = RateSchedule(perSecond: nil)
        XCTAssertNil(schedule.interval)
        XCTAssertEqual((0..<3).map { _ in schedule.reserve(at: .seconds(1)) }, [.seconds(1), .seconds(1), .seconds(1)])
        XCTAssertNil(RateSchedule(perSecond: 0).interval, "a rate of 0 means unpaced, not never")
    }
}
