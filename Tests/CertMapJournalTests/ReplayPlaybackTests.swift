import CertMapJournal
import XCTest

/// The replay controls as a pure value: what step, pause, continue, stop and speed mean for the
/// next request.
final class ReplayPlaybackTests: XCTestCase {
    func testAPausedReplayWaitsUntilAStepLetsExactlyOneRequestThrough() {
        var playback = ReplayPlayback(total: 3, paused: true)
        XCTAssertTrue(playback.isAwaitingInput)
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .wait(ReplayPlayback.pollInterval))
        playback.step()
        XCTAssertFalse(playback.isAwaitingInput)
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .send)
        XCTAssertFalse(playback.isAwaitingInput, "the stepped request is in flight")
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .wait(ReplayPlayback.pollInterval), "one step, one request")
        playback.answered()
        XCTAssertTrue(playback.isAwaitingInput)
        XCTAssertEqual(playback.line, "paused at 1/3 · max")
    }

    func testAStepGoesAtOnceEvenWhenTheRecordedPauseIsLong() {
        var playback = ReplayPlayback(total: 2, paused: true, speed: .factor(1))
        playback.step()
        XCTAssertEqual(playback.admit(recordedGap: 60, waited: 0), .send)
    }

    func testStepsCannotBeBankedBeyondTheEndOfTheSession() {
        var playback = ReplayPlayback(total: 1, paused: true)
        playback.step()
        playback.step()
        XCTAssertEqual(playback.pendingSteps, 1)
    }

    func testAStepWhileRunningPausesAfterTheRequestInFlight() {
        var playback = ReplayPlayback(total: 5)
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .send)
        playback.step()
        XCTAssertEqual(playback.state, .paused)
        playback.answered()
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .wait(ReplayPlayback.pollInterval))
    }

    func testARunningReplayKeepsTheRecordedSpacingScaledBySpeed() {
        var playback = ReplayPlayback(total: 2, speed: .factor(10))
        // 2 s recorded at 10×: 0.2 s, asked for in slices no longer than the poll interval.
        XCTAssertEqual(playback.admit(recordedGap: 2, waited: 0), .wait(ReplayPlayback.pollInterval))
        XCTAssertEqual(playback.admit(recordedGap: 2, waited: 0.19), .wait(0.2 - 0.19))
        XCTAssertEqual(playback.admit(recordedGap: 2, waited: 0.2), .send)
        playback.speed = .max
        XCTAssertEqual(playback.admit(recordedGap: 2, waited: 0), .send, "max ignores the recorded spacing")
    }

    func testToggleContinueAndStop() {
        var playback = ReplayPlayback(total: 2, paused: true)
        playback.togglePause()
        XCTAssertEqual(playback.state, .running)
        playback.togglePause()
        XCTAssertEqual(playback.state, .paused)
        playback.resume()
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .send)
        playback.stop()
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .stop)
        playback.resume()
        XCTAssertEqual(playback.state, .stopped, "a stop is final")
        XCTAssertEqual(playback.line, "stopped at 0/2")
    }

    func testTheLastAnswerFinishesTheReplay() {
        var playback = ReplayPlayback(total: 1)
        _ = playback.admit(recordedGap: 0, waited: 0)
        playback.answered()
        XCTAssertEqual(playback.state, .finished)
        XCTAssertFalse(playback.isActive)
        XCTAssertEqual(playback.admit(recordedGap: 0, waited: 0), .stop)
    }

    func testSpeedArgumentsAndTheirCycle() {
        XCTAssertEqual(ReplaySpeed(argument: "max"), .max)
        XCTAssertEqual(ReplaySpeed(argument: "10"), .factor(10))
        XCTAssertEqual(ReplaySpeed(argument: "2.5")?.description, "2.5×")
        XCTAssertNil(ReplaySpeed(argument: "0"))
        XCTAssertNil(ReplaySpeed(argument: "fast"))
        XCTAssertNil(ReplaySpeed(argument: "1001"))
        XCTAssertEqual(ReplaySpeed.factor(1).next, .factor(10))
        XCTAssertEqual(ReplaySpeed.factor(10).next, .max)
        XCTAssertEqual(ReplaySpeed.max.next, .factor(1))
        XCTAssertEqual(ReplaySpeed.factor(2.5).next, .factor(10))
        XCTAssertEqual(ReplaySpeed.factor(50).next, .max)
    }
}
