/// What the host found when it re-decided recent requests with the draft mappings: how many it
/// looked at, and each one whose decision or account would change. The draft is compared with
/// the saved configuration under the same mode, so only the edits make a change; requests that
/// the mode or time alone decide differently from how they were recorded are counted apart.
public struct MappingDryRun: Hashable, Sendable {
    /// One recent request the draft mappings would decide differently: the request, and its
    /// outcome before and after.
    public struct Change: Hashable, Sendable {
        public let traceID: String
        public let identity: String
        public let method: String
        public let path: String
        /// `200 alice`, `401.2`.
        public let was: String
        public let now: String

        public init(traceID: String, identity: String, method: String, path: String, was: String, now: String) {
            self.traceID = traceID
            self.identity = identity
            self.method = method
            self.path = path
            self.was = was
            self.now = now
        }
    }

    public let examined: Int
    public let changes: [Change]
    /// Requests whose certificate is no longer in memory, so they could not be re-decided.
    public let skipped: Int
    /// Requests the saved configuration itself would now decide differently from how they were
    /// recorded (another mode in force, a certificate expired since): not the draft's doing.
    public let modeEffects: Int

    public init(examined: Int, changes: [Change], skipped: Int, modeEffects: Int = 0) {
        self.examined = examined
        self.changes = changes
        self.skipped = skipped
        self.modeEffects = modeEffects
    }
}
