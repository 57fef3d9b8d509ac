/// The handle a console (or any caller) keeps on running traffic: pause and resume it (the
/// console's `p` key), stop it, and read how far it got.
///
/// Pausing takes effect before the next request of every connection in flight (connections stay
/// open, think times run out) and before any new connection; a stop ends the run as soon as the
/// requests in flight are answered, and the run returns its report marked `stopped`. Stopping is
/// final for this control: give each independent run its own.
public actor ScenarioControl {
    public private(set) var isPaused = false
    public private(set) var isStopped = false
    /// The latest progress of the run using this control (nil before it starts).
    public private(set) var progress: ScenarioProgress?

    public init() {}

    public func setPaused(_ paused: Bool) {
        isPaused = paused
        progress?.isPaused = paused
    }

    public func stop() {
        isStopped = true
    }

    func update(_ progress: ScenarioProgress) {
        var progress = progress
        progress.isPaused = isPaused
        self.progress = progress
    }

    /// Returns when traffic may go on: true to go on, false when stopped (or the task cancelled).
    func proceed() async -> Bool {
        while isPaused && !isStopped && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !isStopped && !Task.isCancelled
    }
}

/// How far a scenario run has got: the report so far (counts per decision and route,
/// misattributions, errors) and how many requests are planned in all.
public struct ScenarioProgress: Hashable, Sendable {
    public var report: ScenarioReport
    /// Requests the run will send if it is not stopped or bounded by time.
    public var planned: Int
    public var isPaused = false

    public init(report: ScenarioReport, planned: Int) {
        self.report = report
        self.planned = planned
    }

    /// Requests answered (or failed) so far.
    public var done: Int { report.requests }

    /// `q190009: 6/10 requests, 1 misattributed` for a progress line.
    public var line: String {
        let leaks = report.misattributions.isEmpty ? "" : ", \(report.misattributions.count) misattributed"
        let errors = report.errors == 0 ? "" : ", \(report.errors) error(s)"
        return "\(report.scenario): \(done)/\(planned) requests\(leaks)\(errors)\(isPaused ? " (paused)" : "")"
    }
}
