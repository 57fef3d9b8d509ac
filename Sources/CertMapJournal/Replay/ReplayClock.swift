/// The time a replay paces itself by: how long it has been, and a way to wait. The real one is
/// `ContinuousClock`; tests inject a manual clock and advance it, so pacing to the recorded
/// spacing is tested without waiting for it.
public struct ReplayClock: Sendable {
    /// Time since the clock was made.
    public let elapsed: @Sendable () -> Duration
    /// Waits for `duration` of this clock's time (throws when the task is cancelled).
    public let sleep: @Sendable (Duration) async throws -> Void

    public init(elapsed: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.elapsed = elapsed
        self.sleep = sleep
    }

    /// Real time.
    public static var continuous: ReplayClock {
        let clock = ContinuousClock()
        let origin = clock.now
        return ReplayClock(elapsed: { clock.now - origin }, sleep: { try await clock.sleep(for: $0) })
    }
}
