import CertMapCore
import NIOCore
import XCTest

@testable import CertMapServer

/// A connection's deadlines in virtual time: the machine is given every instant, so a 10 s
/// header timeout is checked without waiting 10 s.
final class ConnectionStateMachineTests: XCTestCase {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func at(_ seconds: Double) -> NIODeadline {
        start + .nanoseconds(Int64(seconds * 1_000_000_000))
    }

    private func machine(handshake: Double = 5, header: Double = 10) -> ConnectionStateMachine {
        var limits = ServerLimits()
        limits.handshakeTimeoutSeconds = handshake
        limits.headerReadTimeoutSeconds = header
        return ConnectionStateMachine(limits: limits)
    }

    func testSilentConnectionIsClosedAtTheHandshakeDeadlineWithoutA408() {
        var connection = machine()
        XCTAssertEqual(connection.opened(now: at(0)), .scheduleTimer(at: at(5)))
        guard case .expire(let reason, let answer408) = connection.timerFired(now: at(5)) else { return XCTFail("the handshake deadline must expire") }
        XCTAssertFalse(answer408, "no HTTP was spoken: there is nobody to answer 408 to")
        XCTAssertEqual(reason, "TLS handshake not received within 5.0s (server.limits.handshakeTimeoutSeconds)")
        XCTAssertEqual(connection.closeReason, reason)
    }

    func testSlowRequestHeadIsAnswered408AtTheHeaderDeadline() {
        var connection = machine()
        _ = connection.opened(now: at(0))
        connection.handshakeCompleted()
        // The handshake timer (5 s) is still scheduled and comes before the head deadline: no new timer.
        XCTAssertEqual(connection.bytesReceived(now: at(1)), .none)
        XCTAssertEqual(connection.timerFired(now: at(5)), .scheduleTimer(at: at(11)), "fired early: re-armed for the head deadline")
        XCTAssertEqual(connection.timerFired(now: at(11)), .expire(reason: "request head not received within 10.0s (server.limits.headerReadTimeoutSeconds)", answer408: true))
    }

    func testKeepAliveRequestsDoNotScheduleATimerEach() {
        var connection = machine()
        _ = connection.opened(now: at(0))
        connection.handshakeCompleted()
        var scheduled = 0
        for request in 0..<100 {
            if case .scheduleTimer = connection.bytesReceived(now: at(0.001 * Double(request))) { scheduled += 1 }
            connection.headReceived()
            connection.responseSent()
        }
        XCTAssertEqual(scheduled, 0, "the handshake timer pending at 5 s covers every head deadline after it")
        XCTAssertEqual(connection.requests, 100)
        XCTAssertEqual(connection.timerFired(now: at(5)), .none, "no deadline is in force between requests")
    }

    func testBytesWhileAnsweringDoNotStartANewDeadline() {
        var connection = machine()
        _ = connection.opened(now: at(0))
        connection.handshakeCompleted()
        _ = connection.bytesReceived(now: at(0.1))
        connection.headReceived()
        XCTAssertEqual(connection.bytesReceived(now: at(0.2)), .none)
        XCTAssertEqual(connection.state, .answering(streaming: false))
        XCTAssertEqual(connection.timerFired(now: at(5)), .none)
    }

    func testIdleTimeoutClosesUnlessAResponseIsStreaming() {
        var connection = machine()
        _ = connection.opened(now: at(0))
        connection.handshakeCompleted()
        _ = connection.bytesReceived(now: at(0.1))
        connection.headReceived()
        connection.responseStreaming()
        XCTAssertEqual(connection.idleTimedOut(), .none, "the application's response may keep the client silent")
        connection.responseSent()
        XCTAssertEqual(connection.idleTimedOut(), .close(reason: "idle for 60.0s (server.limits.idleTimeoutSeconds)"))
        // A client that sent a head and then nothing is not protected by a request in progress.
        var silent = machine()
        _ = silent.opened(now: at(0))
        silent.handshakeCompleted()
        _ = silent.bytesReceived(now: at(0.1))
        silent.headReceived()
        XCTAssertNotEqual(silent.idleTimedOut(), .none)
    }

    func testClosedConnectionIgnoresItsTimer() {
        var connection = machine()
        _ = connection.opened(now: at(0))
        connection.closed()
        XCTAssertEqual(connection.timerFired(now: at(6)), .none)
        XCTAssertEqual(connection.closeReason, "closed by the client")
    }
}
