import CertMapJournal

/// A replay as the Sessions screen shows it, while it runs and after: what is replayed, each
/// request's `was → now` as it arrives, and where the playback stands (paused at 3/10, 1×).
public struct SessionReplay: Hashable, Sendable {
    /// `session q190009`, `request t-1f and its connection's earlier requests`.
    public let title: String
    public let mode: String
    public let generation: UInt64
    public private(set) var outcomes: [ReplayOutcome]
    public var playback: ReplayPlayback

    /// A replay that has just started (nothing answered yet).
    public init(title: String, mode: String, generation: UInt64, playback: ReplayPlayback) {
        self.title = title
        self.mode = mode
        self.generation = generation
        self.outcomes = []
        self.playback = playback
    }

    /// A finished (or stopped) replay.
    public init(title: String, report: ReplayReport) {
        self.title = title
        self.mode = report.mode
        self.generation = report.generation
        self.outcomes = report.outcomes
        self.playback = .ended(total: report.planned, answered: report.outcomes.count, stopped: report.stopped)
    }

    public mutating func append(_ outcome: ReplayOutcome) {
        outcomes.append(outcome)
    }

    /// The outcomes so far as a report (its counts and transitions).
    public var report: ReplayReport {
        ReplayReport(mode: mode, generation: generation, outcomes: outcomes, planned: playback.total, stopped: playback.state == .stopped)
    }
}
