import Foundation

/// Where the journal lives and how much history it keeps: segments of at most
/// `maxSegmentBytes` (compressed), as many as fit in `maxTotalBytes` and are younger than
/// `maxAge` (the oldest go first; the segment being written never does), flushed to the OS at
/// least every `flushInterval` so a crash loses at most that much.
///
/// The journal is one history across runs: a new process appends to the newest segment while it
/// has room, so short runs (ten `scenario run`s) never push earlier history out.
public struct JournalSettings: Hashable, Sendable {
    public var directory: URL
    public var maxSegmentBytes: Int
    public var maxTotalBytes: Int64
    public var maxAge: TimeInterval
    public var flushInterval: Duration

    public static let defaultMaxSegmentBytes = 32 * 1024 * 1024
    public static let defaultMaxTotalBytes: Int64 = 1024 * 1024 * 1024
    public static let defaultMaxAge: TimeInterval = 30 * 24 * 3600

    public init(
        directory: URL, maxSegmentBytes: Int = defaultMaxSegmentBytes, maxTotalBytes: Int64 = defaultMaxTotalBytes,
        maxAge: TimeInterval = defaultMaxAge, flushInterval: Duration = .seconds(1)
    ) {
        self.directory = directory
        self.maxSegmentBytes = maxSegmentBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxAge = maxAge
        self.flushInterval = flushInterval
    }

    /// `journal-000042.jsonl.gz`: numbered so that name order is time order; JSON lines in
    /// gzip members (`zcat` reads it).
    static func fileName(number: Int) -> String {
        "journal-" + String(format: "%06d", number) + ".jsonl.gz"
    }

    /// The journal segments in `directory`, oldest first: `journal-*.jsonl.gz`, and the plain
    /// `journal-*.jsonl` files written before segments were compressed (still read).
    static func files(in directory: URL) -> [(number: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("journal-") else { return nil }
            let stem: Substring
            if name.hasSuffix(".jsonl.gz") {
                stem = name.dropFirst("journal-".count).dropLast(".jsonl.gz".count)
            } else if name.hasSuffix(".jsonl") {
                stem = name.dropFirst("journal-".count).dropLast(".jsonl".count)
            } else {
                return nil
            }
            guard let number = Int(stem) else { return nil }
            return (number, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Whether `url` is a compressed segment.
    static func isCompressed(_ url: URL) -> Bool { url.pathExtension == "gz" }
}
