import CertMapJournal

/// A finished replay as the Sessions screen shows it: what was replayed and each request's
/// `was → now`.
public struct SessionReplay: Hashable, Sendable {
    /// `session q190009`, `request t-1f and its connection's earlier requests`.
    public let title: String
    public let report: ReplayReport

    public init(title: String, report: ReplayReport) {
        self.title = title
        self.report = report
    }
}
