import Foundation

/// The handle on a running replay: the CLI's keys and the console's Sessions screen pause,
/// step, continue, stop and change its speed through it, and both replayers (dry run and
/// network) ask it before every request — so pacing to the recorded spacing and the controls
/// behave the same whichever way a session is replayed.
///
/// Every change is reported to `observer` (a progress line, the console's inbox). Give each
/// replay its own control: a stop is final.
public actor ReplayControl {
    public private(set) var playback: ReplayPlayback
    private let observer: (@Sendable (ReplayPlayback) -> Void)?
    private let clock: ReplayClock
    private var previousRecordedTime: Date?

    /// - Parameter clock: what pacing waits by (real time unless a test injects its own).
    public init(
        total: Int, paused: Bool = false, speed: ReplaySpeed = .max, clock: ReplayClock = .continuous,
        observer: (@Sendable (ReplayPlayback) -> Void)? = nil
    ) {
        self.playback = ReplayPlayback(total: total, paused: paused, speed: speed)
        self.clock = clock
        self.observer = observer
    }

    public func pause() { change { $0.pause() } }
    public func resume() { change { $0.resume() } }
    public func step() { change { $0.step() } }
    public func stop() { change { $0.stop() } }
    public func togglePause() { change { $0.togglePause() } }
    public func setSpeed(_ speed: ReplaySpeed) { change { $0.speed = speed } }
    public func nextSpeed() { change { $0.speed = $0.speed.next } }

    /// Waits until the next request may go — paced to its recorded time (`nil`: no pause), held
    /// while paused — and says whether it may: false once stopped or the task is cancelled.
    public func proceed(recordedAt time: Date?) async -> Bool {
        var gap: TimeInterval = 0
        if let previous = previousRecordedTime, let time { gap = time.timeIntervalSince(previous) }
        if let time { previousRecordedTime = time }
        let started = clock.elapsed()
        while !Task.isCancelled {
            let waited = clock.elapsed() - started
            let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            switch playback.admit(recordedGap: gap, waited: seconds) {
            case .send:
                return true
            case .stop:
                return false
            case .wait(let interval):
                try? await clock.sleep(.milliseconds(max(1, Int(interval * 1000))))
            }
        }
        return false
    }

    /// Returns once the replay waits for the operator (paused with no step pending) or is over:
    /// a script of keys (piped lines) is applied one key per wait, not all at once.
    public func waitUntilAwaitingInput() async {
        while playback.isActive && !playback.isAwaitingInput && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// One more request has its answer.
    public func answered() { change { $0.answered() } }

    private func change(_ update: (inout ReplayPlayback) -> Void) {
        let before = playback
        update(&playback)
        if playback != before { observer?(playback) }
    }
}
