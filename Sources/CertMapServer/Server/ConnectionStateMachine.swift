import CertMapCore
import NIOCore

/// One connection's life as a value: which deadline is in force (the TLS handshake, then each
/// request head once its first byte arrives), whether the idle timeout may close it, and why it
/// closed. It returns actions and never reads a clock: every call that needs the time is given
/// it, so tests run a connection's whole life in virtual time, without sockets.
///
/// One timer per connection: a deadline is armed by scheduling a timer only when none is
/// pending at or before it; when a timer fires early (the deadline moved later) the machine asks
/// for it to be scheduled again. A keep-alive connection does not schedule and cancel a task for
/// every request.
struct ConnectionStateMachine {
    enum State: Equatable {
        /// Waiting for the TLS handshake.
        case handshaking
        /// Between requests: nothing is due (the idle timeout applies).
        case idle
        /// The first bytes of a request arrived: its head is due by the deadline.
        case readingHead
        /// A request head arrived; its response is not written yet.
        case answering(streaming: Bool)
        case closed
    }

    /// What must arrive in time.
    enum DeadlineKind: Equatable {
        case handshake
        case requestHead

        var what: String { self == .handshake ? "TLS handshake" : "request head" }
        var setting: String { self == .handshake ? "handshakeTimeoutSeconds" : "headerReadTimeoutSeconds" }
    }

    /// What the channel handler must do.
    enum Action: Equatable {
        case none
        /// Schedule the connection's timer for `at` (replacing any scheduled one).
        case scheduleTimer(at: NIODeadline)
        /// A deadline passed: publish `reason` as a limit event and close (with a 408 response
        /// first when a request head was late).
        case expire(reason: String, answer408: Bool)
        /// Close without a response (idle timeout), for `reason`.
        case close(reason: String)
    }

    let limits: ServerLimits
    private(set) var state: State = .handshaking
    /// Request heads received.
    private(set) var requests = 0
    /// Why the connection closed, as the closing event says it.
    private(set) var closeReason = "closed by the client"
    private var deadline: (at: NIODeadline, kind: DeadlineKind)?
    /// When the scheduled timer fires, if one is scheduled.
    private var timerAt: NIODeadline?

    init(limits: ServerLimits) {
        self.limits = limits
    }

    /// The connection was admitted: the handshake deadline starts.
    mutating func opened(now: NIODeadline) -> Action {
        arm(.handshake, seconds: limits.handshakeTimeoutSeconds, now: now)
    }

    mutating func handshakeCompleted() {
        deadline = nil
        if state == .handshaking { state = .idle }
    }

    /// Decrypted bytes arrived: the first ones after a response start the next request's head deadline.
    mutating func bytesReceived(now: NIODeadline) -> Action {
        guard state == .idle else { return .none }
        state = .readingHead
        return arm(.requestHead, seconds: limits.headerReadTimeoutSeconds, now: now)
    }

    /// A complete request head arrived.
    mutating func headReceived() {
        deadline = nil
        requests += 1
        if state != .closed { state = .answering(streaming: false) }
    }

    /// The response streams from the application (gateway mode): the client may stay silent
    /// for long, so the idle timeout must not cut it.
    mutating func responseStreaming() {
        if case .answering = state { state = .answering(streaming: true) }
    }

    /// The response is written: the next bytes start a new request.
    mutating func responseSent() {
        if case .answering = state { state = .idle }
    }

    /// The scheduled timer fired at `now`.
    mutating func timerFired(now: NIODeadline) -> Action {
        timerAt = nil
        guard let deadline, state != .closed else { return .none }
        guard now >= deadline.at else {
            timerAt = deadline.at
            return .scheduleTimer(at: deadline.at)
        }
        self.deadline = nil
        let seconds = deadline.kind == .handshake ? limits.handshakeTimeoutSeconds : limits.headerReadTimeoutSeconds
        closeReason = "\(deadline.kind.what) not received within \(seconds)s (server.limits.\(deadline.kind.setting))"
        return .expire(reason: closeReason, answer408: deadline.kind == .requestHead)
    }

    /// Nothing was read for `idleTimeoutSeconds`.
    mutating func idleTimedOut() -> Action {
        if case .answering(streaming: true) = state { return .none }
        closeReason = "idle for \(limits.idleTimeoutSeconds)s (server.limits.idleTimeoutSeconds)"
        return .close(reason: closeReason)
    }

    /// The connection failed (TLS or protocol error) for `reason`.
    mutating func failed(_ reason: String) {
        closeReason = reason
    }

    /// The channel is gone: no deadline is in force any more.
    mutating func closed() {
        state = .closed
        deadline = nil
        timerAt = nil
    }

    private mutating func arm(_ kind: DeadlineKind, seconds: Double, now: NIODeadline) -> Action {
        let at = now + .nanoseconds(Int64(seconds * 1_000_000_000))
        deadline = (at, kind)
        if let timerAt, timerAt <= at { return .none }
        timerAt = at
        return .scheduleTimer(at: at)
    }
}
