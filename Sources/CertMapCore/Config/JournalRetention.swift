/// How much history the journal keeps (`journal` in config.json): segments of
/// `segmentMegabytes` (compressed), at most `maxTotalMegabytes` of them in all, none older than
/// `maxAgeDays`. The defaults keep about a month of a busy lab's traffic in 1 GiB.
public struct JournalRetention: Codable, Hashable, Sendable {
    public var maxTotalMegabytes: Int
    public var maxAgeDays: Int
    public var segmentMegabytes: Int

    public init(maxTotalMegabytes: Int = 1024, maxAgeDays: Int = 30, segmentMegabytes: Int = 32) {
        self.maxTotalMegabytes = maxTotalMegabytes
        self.maxAgeDays = maxAgeDays
        self.segmentMegabytes = segmentMegabytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case maxTotalMegabytes, maxAgeDays, segmentMegabytes }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = JournalRetention()
        maxTotalMegabytes = try container.decodeIfPresent(Int.self, forKey: .maxTotalMegabytes) ?? defaults.maxTotalMegabytes
        maxAgeDays = try container.decodeIfPresent(Int.self, forKey: .maxAgeDays) ?? defaults.maxAgeDays
        segmentMegabytes = try container.decodeIfPresent(Int.self, forKey: .segmentMegabytes) ?? defaults.segmentMegabytes
    }

    /// Largest accepted size in megabytes (1 PiB): the journal counts bytes, and more would
    /// overflow when converted (segmentMegabytes is bounded by maxTotalMegabytes).
    static let maximumMegabytes = 1 << 30

    /// What is wrong with the values, with their paths.
    var issues: [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if maxTotalMegabytes < 1 { issues.append(ConfigIssue(path: "journal.maxTotalMegabytes", message: "must be at least 1")) }
        if maxTotalMegabytes > Self.maximumMegabytes {
            issues.append(ConfigIssue(path: "journal.maxTotalMegabytes", message: "must be at most \(Self.maximumMegabytes) (1 PiB)"))
        }
        if maxAgeDays < 1 { issues.append(ConfigIssue(path: "journal.maxAgeDays", message: "must be at least 1")) }
        if segmentMegabytes < 1 || segmentMegabytes > maxTotalMegabytes {
            issues.append(ConfigIssue(path: "journal.segmentMegabytes", message: "must be at least 1 and at most journal.maxTotalMegabytes (\(maxTotalMegabytes))"))
        }
        return issues
    }
}
