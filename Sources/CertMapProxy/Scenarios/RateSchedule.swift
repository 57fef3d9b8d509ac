/// When the next request of a run may start, for a rate limit of `perSecond` requests a second
/// across all of a scenario's connections.
///
/// Times are durations since the run began, so the schedule is a pure value (tested without
/// clocks or sockets); the runner asks it before each request and sleeps until the answer. Slots
/// are evenly spaced and never accumulate: after a pause, or when clients are slower than the
/// rate, traffic resumes at the rate instead of bursting to catch up.
public struct RateSchedule: Hashable, Sendable {
    /// The spacing between request starts; nil when unpaced.
    public let interval: Duration?
    private var nextFree: Duration = .zero

    /// - Parameter perSecond: nil or not positive: as fast as the concurrency allows.
    public init(perSecond: Double?) {
        guard let perSecond, perSecond > 0 else {
            interval = nil
            return
        }
        interval = .nanoseconds(Int64((1_000_000_000 / perSecond).rounded()))
    }

    /// Reserves the next slot for a request that is ready at `now`; returns when it may start
    /// (never before `now`).
    public mutating func reserve(at now: Duration) -> Duration {
        guard let interval else { return now }
        let start = max(now, nextFree)
        nextFree = start + interval
        return start
    }
}
