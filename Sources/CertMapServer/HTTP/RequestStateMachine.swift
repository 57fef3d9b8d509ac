import NIOCore
import NIOHTTP1

/// One connection's current request as a value: what has arrived, what is being decided, where
/// the body goes — with the rules for each step returned as actions the channel handler carries
/// out. Without channels or event loops, so every order of head, body, end, decision and limit is
/// pinned by tests (`RequestStateMachineTests`).
///
///     idle ─head─▶ receiving ─end─▶ deciding ─decided─▶ idle            (certmap answers)
///     idle ─head─▶ deciding ─decided─▶ streaming ─exchangeEnded─▶ idle  (gateway, allowed)
///                           └─decided─▶ draining ─end─▶ idle            (gateway, refused early)
///
/// HTTP/1.1 pipelining is serialised before this (NIO's pipelining assistance), so one request
/// at a time.
struct RequestStateMachine {
    /// Why a request is refused before it is judged (413, 431), with the sentence for the page.
    typealias Rejection = (status: HTTPResponseStatus, message: String)

    enum State {
        /// Waiting for a request head.
        case idle
        /// Decided at its end: the body is counted, not kept.
        case receiving(Receiving)
        /// Being decided. In gateway mode this starts at the head, and body parts that arrive
        /// meanwhile wait here (reading stops past `readAheadLimit`).
        case deciding(Deciding)
        /// Gateway: refused (or no upstream) before the request ended; the rest of its body is
        /// read and dropped, then the answer is written.
        case draining(answer: CertMapAnswer, bodyBytes: Int)
        /// Gateway: allowed; the body streams to the application.
        case streaming(bodyBytes: Int)
    }

    struct Receiving {
        let head: HTTPRequestHead
        let started: NIODeadline
        var bodyBytes = 0
        var rejection: Rejection?
    }

    struct Deciding {
        let head: HTTPRequestHead
        let started: NIODeadline
        /// Decided at the head (gateway): the body may still be arriving.
        let atHead: Bool
        var buffered: [ByteBuffer] = []
        var bufferedBytes = 0
        /// Body bytes from the head on, against `maxBodyBytes`.
        var bodyBytes = 0
        var readingPaused = false
        var ended: Bool
        /// The body went over `maxBodyBytes` before the decision.
        var tooLarge = false
    }

    /// A request to decide: its head and when it started arriving.
    struct Request {
        let head: HTTPRequestHead
        let started: NIODeadline
    }

    /// What the handler does after a body part.
    enum BodyAction: Equatable {
        case none
        /// Stop reading from the client (the decision has not come yet; enough is held).
        case pauseReading
        case forward(ByteBuffer)
        /// The streamed body went over the limit: stop the exchange and answer 413 if possible.
        case abortTooLarge
    }

    /// What the handler does after a request's end.
    enum EndAction {
        case none
        /// Decide it (certmap answers).
        case decide(Request)
        case reject(Rejection, version: HTTPVersion)
        /// Write the answer decided before the request ended.
        case answer(CertMapAnswer)
        case forwardEnd
    }

    /// What the handler does with a decision (the answer it passed in, which is not copied back).
    enum DecidedAction: Equatable {
        /// Write the answer; `keepAlive` false closes after it.
        case answer(keepAlive: Bool)
        /// The body went over the limit before the decision: publish the record, answer 413.
        case rejectTooLarge(version: HTTPVersion)
        /// Nothing to write until the request ends; resume reading if it was paused.
        case drain(resumeReading: Bool)
        /// Start the exchange: write 100 Continue first when asked, then send the body held so
        /// far (and its end); reading from the client is paused when `readingPaused`.
        case stream(buffered: [ByteBuffer], ended: Bool, readingPaused: Bool, sendContinue: Bool)
    }

    private(set) var state: State = .idle
    let maxBodyBytes: Int
    /// Body bytes held before a gateway decision before reading from the client pauses.
    static let readAheadLimit = 256 * 1024

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Why a body is refused with 413, naming the setting.
    var bodyLimitMessage: String { "request body exceeds the limit of \(maxBodyBytes) bytes (server.limits.maxBodyBytes)" }

    /// A request head arrived. - Returns: the request to decide now (gateway, not rejected), or nil.
    /// - Parameters:
    ///   - rejection: why the head itself is refused (431), if it is; such a request is answered at its end.
    ///   - decideAtHead: gateway mode is active for this configuration.
    mutating func head(_ head: HTTPRequestHead, rejection: Rejection?, decideAtHead: Bool, now: NIODeadline) -> Request? {
        guard rejection == nil, decideAtHead else {
            state = .receiving(Receiving(head: head, started: now, rejection: rejection))
            return nil
        }
        state = .deciding(Deciding(head: head, started: now, atHead: true, ended: false))
        return Request(head: head, started: now)
    }

    mutating func body(_ buffer: ByteBuffer) -> BodyAction {
        let count = buffer.readableBytes
        switch state {
        case .idle:
            return .none
        case .receiving(var receiving):
            receiving.bodyBytes += count
            if receiving.rejection == nil, receiving.bodyBytes > maxBodyBytes {
                receiving.rejection = (.payloadTooLarge, bodyLimitMessage)
            }
            state = .receiving(receiving)
            return .none
        case .deciding(var deciding):
            deciding.bodyBytes += count
            if deciding.bodyBytes > maxBodyBytes { deciding.tooLarge = true }
            var action = BodyAction.none
            if !deciding.tooLarge {
                deciding.buffered.append(buffer)
                deciding.bufferedBytes += count
                if deciding.bufferedBytes > Self.readAheadLimit && !deciding.readingPaused {
                    deciding.readingPaused = true
                    action = .pauseReading
                }
            }
            state = .deciding(deciding)
            return action
        case .draining(let answer, let bodyBytes):
            state = .draining(answer: answer, bodyBytes: bodyBytes + count)
            return .none
        case .streaming(let bodyBytes):
            state = .streaming(bodyBytes: bodyBytes + count)
            return bodyBytes + count > maxBodyBytes ? .abortTooLarge : .forward(buffer)
        }
    }

    mutating func end() -> EndAction {
        switch state {
        case .idle:
            return .none
        case .receiving(let receiving):
            if let rejection = receiving.rejection {
                state = .idle
                return .reject(rejection, version: receiving.head.version)
            }
            state = .deciding(Deciding(head: receiving.head, started: receiving.started, atHead: false, bodyBytes: receiving.bodyBytes, ended: true))
            return .decide(Request(head: receiving.head, started: receiving.started))
        case .deciding(var deciding):
            deciding.ended = true
            state = .deciding(deciding)
            return .none
        case .draining(let answer, _):
            state = .idle
            return .answer(answer)
        case .streaming:
            return .forwardEnd
        }
    }

    /// The request was decided: `forward` says whether it goes to the application (gateway,
    /// allowed, an upstream for its path); `expectsContinue` whether the client waits for 100
    /// Continue before sending its body.
    mutating func decided(_ answer: CertMapAnswer, forward: Bool, expectsContinue: Bool) -> DecidedAction {
        guard case .deciding(let deciding) = state else { return .answer(keepAlive: false) }
        guard deciding.atHead else {
            state = .idle
            return .answer(keepAlive: answer.keepAlive)
        }
        if deciding.tooLarge {
            state = .idle
            return .rejectTooLarge(version: deciding.head.version)
        }
        guard forward else {
            // Refused (or no upstream): answered once the request has ended — or now, without
            // reading a body the client is still holding back for 100-continue.
            if deciding.ended || expectsContinue {
                state = .idle
                return .answer(keepAlive: answer.keepAlive && deciding.ended)
            }
            state = .draining(answer: answer, bodyBytes: deciding.bodyBytes)
            return .drain(resumeReading: deciding.readingPaused)
        }
        state = .streaming(bodyBytes: deciding.bodyBytes)
        return .stream(
            buffered: deciding.buffered, ended: deciding.ended, readingPaused: deciding.readingPaused, sendContinue: expectsContinue && !deciding.ended)
    }

    /// The gateway exchange ended (answered, failed or the client left): ready for the next head.
    mutating func exchangeEnded() {
        if case .streaming = state { state = .idle }
    }

    /// A response was written outside the flow above (an answer before any decision).
    mutating func answeredEarly() {
        state = .idle
    }
}
