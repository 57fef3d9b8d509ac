import Foundation

/// The step / continue / pause / stop controls of a replay as a pure value: what the operator
/// asked for, and what that means for the next request (`admit`). `ReplayControl` puts it behind
/// an actor that replayers wait on; tests drive it directly.
///
/// Stepping is "pause, then let exactly one more request through": a step while running pauses
/// after the request in flight, so the operator can then walk the rest one by one. A stepped
/// request goes at once, without the recorded pause before it.
public struct ReplayPlayback: Hashable, Sendable {
    /// Where the replay is: running, paused by the operator, stopped before the end, or finished
    /// with every request answered.
    public enum State: String, Hashable, Sendable {
        case running, paused, stopped, finished
    }

    /// What the replayer should do about its next request.
    public enum Admission: Hashable, Sendable {
        case send
        /// Ask again after at most this many seconds (paused, or pacing to the recorded spacing).
        case wait(TimeInterval)
        case stop
    }

    public private(set) var state: State
    public var speed: ReplaySpeed
    /// Requests let through while paused, not yet sent.
    public private(set) var pendingSteps = 0
    /// Requests answered so far, let through so far, and in all.
    public private(set) var done = 0
    public private(set) var admitted = 0
    public private(set) var total: Int

    /// The longest single wait `admit` asks for, so a pause, stop or speed change is noticed soon.
    public static let pollInterval: TimeInterval = 0.02

    public init(total: Int, paused: Bool = false, speed: ReplaySpeed = .max) {
        self.total = total
        self.state = paused ? .paused : .running
        self.speed = speed
    }

    /// A replay that is over: finished, or stopped after `answered` requests.
    public static func ended(total: Int, answered: Int, stopped: Bool) -> ReplayPlayback {
        var playback = ReplayPlayback(total: total)
        playback.done = min(answered, total)
        playback.admitted = playback.done
        playback.state = stopped ? .stopped : .finished
        return playback
    }

    public var isActive: Bool { state == .running || state == .paused }

    /// Paused with nothing pending or in flight: the next request waits for the operator.
    public var isAwaitingInput: Bool { state == .paused && pendingSteps == 0 && admitted == done }

    public mutating func pause() {
        guard isActive else { return }
        state = .paused
        pendingSteps = 0
    }

    /// Continue: run on to the end at the current speed.
    public mutating func resume() {
        guard isActive else { return }
        state = .running
        pendingSteps = 0
    }

    /// Let exactly one more request through, then stay paused.
    public mutating func step() {
        guard isActive else { return }
        if state == .running {
            state = .paused
            pendingSteps = 0
        } else if done + pendingSteps < total {
            pendingSteps += 1
        }
    }

    /// Space: pause when running, continue when paused.
    public mutating func togglePause() {
        if state == .running { pause() } else { resume() }
    }

    public mutating func stop() {
        guard isActive else { return }
        state = .stopped
        pendingSteps = 0
    }

    /// The replayer has an answer for one more request.
    public mutating func answered() {
        done = min(total, done + 1)
        if done == total && state != .stopped { state = .finished }
    }

    /// Whether the next request may go, given the recorded gap before it and how long the
    /// replayer has already waited for it.
    public mutating func admit(recordedGap gap: TimeInterval, waited: TimeInterval) -> Admission {
        switch state {
        case .stopped, .finished:
            return .stop
        case .paused:
            guard pendingSteps > 0 else { return .wait(Self.pollInterval) }
            pendingSteps -= 1
            admitted += 1
            return .send
        case .running:
            let remaining = speed.delay(forRecordedGap: gap) - waited
            guard remaining <= 0 else { return .wait(min(remaining, Self.pollInterval)) }
            admitted += 1
            return .send
        }
    }

    /// `paused at 3/10 · 1×`, `running 4/10 · max`, `stopped at 5/10`, `finished 10/10`.
    public var line: String {
        switch state {
        case .running: return "running \(done)/\(total) · \(speed)"
        case .paused: return "paused at \(done)/\(total) · \(speed)"
        case .stopped: return "stopped at \(done)/\(total)"
        case .finished: return "finished \(done)/\(total)"
        }
    }
}
