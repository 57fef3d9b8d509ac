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

    /// `journal-000042.jsonl.zst`: numbered so that name order is time order; JSON lines in
    /// zstd frames (`zstdcat` reads it).
    static func fileName(number: Int) -> String {
        "journal-" + String(format: "%06d", number) + ".jsonl.zst"
    }

    /// How a segment's lines are stored, by its name.
    enum Encoding: CaseIterable {
        /// `.jsonl.zst`: what this version writes.
        case zstd
        /// `.jsonl.gz`: gzip members, written by earlier versions (still read).
        case gzip
        /// `.jsonl`: plain lines, from before segments were compressed (still read).
        case plain

        var suffix: String {
            switch self {
            case .zstd: return ".jsonl.zst"
            case .gzip: return ".jsonl.gz"
            case .plain: return ".jsonl"
            }
        }

        init?(_ name: String) {
            guard let encoding = Self.allCases.first(where: { name.hasSuffix($0.suffix) }) else { return nil }
            self = encoding
        }
    }

    /// The journal segments in `directory`, oldest first, whatever version wrote them.
    static func files(in directory: URL) -> [(number: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("journal-"), let encoding = Encoding(name) else { return nil }
            guard let number = Int(name.dropFirst("journal-".count).dropLast(encoding.suffix.count)) else { return nil }
            return (number, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Whether a writer of this version may continue `url` (a segment in its own encoding).
    static func isContinuable(_ url: URL) -> Bool { Encoding(url.lastPathComponent) == .zstd }
}
