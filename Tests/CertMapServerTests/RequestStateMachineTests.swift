import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1
import XCTest

@testable import CertMapServer

/// The request state machine alone: every order of head, body, end and decision, without a
/// channel — what the handler does is what these actions say.
final class RequestStateMachineTests: XCTestCase {
    private let now = NIODeadline.uptimeNanoseconds(1_000)

    private func head(_ method: HTTPMethod = .POST, version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: method, uri: "/upload")
    }

    private func answer(keepAlive: Bool = true) -> CertMapAnswer {
        let record = RequestRecord(
            traceID: "t-1", connection: 1, request: 1, method: "POST", path: "/upload", peer: "127.0.0.1:1", route: "direct", proxied: false,
            mode: "per-request", certificateSource: "none", certificate: nil,
            decision: Decision(reason: .notMapped, account: nil, mapping: nil, trace: DecisionTrace(), generation: 1),
            durationMicros: 1, run: "r1")
        return CertMapAnswer(record: record, head: HTTPResponseHead(version: .http1_1, status: .unauthorized), body: "", keepAlive: keepAlive)
    }

    private func bytes(_ count: Int) -> ByteBuffer { ByteBuffer(repeating: 0x41, count: count) }

    func testCertMapAnswersARequestDecidedAtItsEnd() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        XCTAssertNil(machine.head(head(), rejection: nil, decideAtHead: false, now: now))
        XCTAssertEqual(machine.body(bytes(10)), .none)
        guard case .decide(let request) = machine.end() else { return XCTFail("expected a decision at the end") }
        XCTAssertEqual(request.head.uri, "/upload")
        guard case .answer(let keepAlive) = machine.decided(answer(), forward: false, expectsContinue: false) else { return XCTFail() }
        XCTAssertTrue(keepAlive)
        guard case .idle = machine.state else { return XCTFail("not ready for the next head") }
    }

    func testBodyOverTheLimitIsRefusedWith413AtTheEndWithoutADecision() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: false, now: now)
        XCTAssertEqual(machine.body(bytes(60)), .none)
        XCTAssertEqual(machine.body(bytes(60)), .none)
        guard case .reject(let rejection, _) = machine.end() else { return XCTFail("expected 413") }
        XCTAssertEqual(rejection.status, .payloadTooLarge)
        XCTAssertTrue(rejection.message.contains("server.limits.maxBodyBytes"), rejection.message)
    }

    func testOversizedHeadIsAnsweredAtTheEndEvenInGatewayMode() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        XCTAssertNil(machine.head(head(), rejection: (.requestHeaderFieldsTooLarge, "too big"), decideAtHead: true, now: now))
        guard case .reject(let rejection, _) = machine.end() else { return XCTFail("expected 431") }
        XCTAssertEqual(rejection.status, .requestHeaderFieldsTooLarge)
    }

    func testGatewayStreamsTheBodyHeldWhileDecidingAndThenForwardsTheRest() {
        var machine = RequestStateMachine(maxBodyBytes: 1_000)
        XCTAssertNotNil(machine.head(head(), rejection: nil, decideAtHead: true, now: now))
        XCTAssertEqual(machine.body(bytes(5)), .none)
        guard case .stream(let buffered, let ended, let paused, let sendContinue) = machine.decided(answer(), forward: true, expectsContinue: false) else {
            return XCTFail("expected the exchange to start")
        }
        XCTAssertEqual(buffered.map(\.readableBytes), [5])
        XCTAssertFalse(ended)
        XCTAssertFalse(paused)
        XCTAssertFalse(sendContinue)
        XCTAssertEqual(machine.body(bytes(7)), .forward(bytes(7)))
        guard case .forwardEnd = machine.end() else { return XCTFail("the end goes to the application") }
        machine.exchangeEnded()
        guard case .idle = machine.state else { return XCTFail() }
    }

    func testGatewayPausesReadingPastTheReadAheadLimitAndTheExchangeResumesIt() {
        var machine = RequestStateMachine(maxBodyBytes: 10_000_000)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        XCTAssertEqual(machine.body(bytes(RequestStateMachine.readAheadLimit)), .none)
        XCTAssertEqual(machine.body(bytes(1)), .pauseReading)
        XCTAssertEqual(machine.body(bytes(1)), .none, "paused once")
        guard case .stream(_, _, let paused, _) = machine.decided(answer(), forward: true, expectsContinue: false) else { return XCTFail() }
        XCTAssertTrue(paused)
    }

    func testGatewayRefusalWaitsForTheEndOfTheBodyAndResumesReadingToDropIt() {
        var machine = RequestStateMachine(maxBodyBytes: 10_000_000)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        _ = machine.body(bytes(RequestStateMachine.readAheadLimit + 1))
        guard case .drain(let resume) = machine.decided(answer(), forward: false, expectsContinue: false) else { return XCTFail("expected draining") }
        XCTAssertTrue(resume)
        XCTAssertEqual(machine.body(bytes(100)), .none)
        guard case .answer(let refusal) = machine.end() else { return XCTFail("the refusal is written at the end") }
        XCTAssertEqual(refusal.head.status, .unauthorized)
    }

    func testGatewayRefusalOfAnEndedRequestIsAnsweredAtOnceAndKeepsTheConnection() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(.GET), rejection: nil, decideAtHead: true, now: now)
        guard case .none = machine.end() else { return XCTFail() }
        guard case .answer(let keepAlive) = machine.decided(answer(), forward: false, expectsContinue: false) else { return XCTFail() }
        XCTAssertTrue(keepAlive)
    }

    func testGatewayRefusalOfAClientWaitingFor100ContinueIsAnsweredAtOnceAndCloses() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        guard case .answer(let keepAlive) = machine.decided(answer(), forward: false, expectsContinue: true) else { return XCTFail() }
        XCTAssertFalse(keepAlive, "the unread body would otherwise be read as the next request")
    }

    func testGatewayAllowedClientWaitingFor100ContinueGetsItBeforeTheBody() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        guard case .stream(_, _, _, let sendContinue) = machine.decided(answer(), forward: true, expectsContinue: true) else { return XCTFail() }
        XCTAssertTrue(sendContinue)
    }

    func testGatewayBodyOverTheLimitBeforeTheDecisionIs413AndIsNotHeld() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        XCTAssertEqual(machine.body(bytes(101)), .none)
        guard case .rejectTooLarge = machine.decided(answer(), forward: true, expectsContinue: false) else { return XCTFail("expected 413") }
        guard case .idle = machine.state else { return XCTFail() }
    }

    func testGatewayBodyOverTheLimitWhileStreamingAbortsTheExchange() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        _ = machine.body(bytes(60))
        _ = machine.decided(answer(), forward: true, expectsContinue: false)
        XCTAssertEqual(machine.body(bytes(60)), .abortTooLarge)
    }

    func testPartsAfterTheExchangeEndedAreDropped() {
        var machine = RequestStateMachine(maxBodyBytes: 100)
        _ = machine.head(head(), rejection: nil, decideAtHead: true, now: now)
        _ = machine.decided(answer(), forward: true, expectsContinue: false)
        machine.exchangeEnded()
        XCTAssertEqual(machine.body(bytes(10)), .none)
        guard case .none = machine.end() else { return XCTFail("an application that answered early ends the request") }
    }
}
