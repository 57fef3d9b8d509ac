import CertMapCore
import Foundation

/// Reads journal segments back, oldest first — compressed ones and the plain files of older
/// versions — skipping what cannot be decoded (a torn last member or line after a crash, a
/// corrupt line in the middle) with a warning naming file and line, so one bad spot never costs
/// the rest of the journal.
///
/// `stream` hands events over one at a time with one segment's compressed bytes and one frame's
/// text in memory, so a reader that keeps aggregates (diagnose, replay's dry run) reads a journal
/// of any size in bounded memory; `read` collects them for callers that want them all.
public enum JournalReader {
    /// The events that could be read, with a warning for each spot that was skipped, so a damaged
    /// journal still reads and says where it is damaged.
    public struct Result: Sendable {
        public var events: [CertMapEvent]
        /// `journal-000003.jsonl:1234: skipped a torn or corrupt line (…)`.
        public var warnings: [String]
    }

    /// Reads a journal directory (every `journal-*.jsonl` in order) or a single file.
    public static func read(_ url: URL) throws -> Result {
        var events: [CertMapEvent] = []
        let warnings = try stream(url) { events.append($0) }
        return Result(events: events, warnings: warnings)
    }

    /// Calls `body` with every event of a journal directory or file, in order, and returns a
    /// warning for each spot that was skipped.
    /// - Parameters:
    ///   - since: segments last written before this time are not read at all (every event in
    ///     them is older); events of the others are all delivered, older ones included.
    ///   - traces: false to receive request records with an empty trace, for readers that never
    ///     show one (a third of the work of reading).
    @discardableResult
    public static func stream(_ url: URL, since: Date? = nil, traces: Bool = true, _ body: (CertMapEvent) throws -> Void) throws -> [String] {
        let cursor = try JournalCursor(url, since: since, traces: traces)
        while let batch = try cursor.nextBatch() {
            for event in batch { try body(event) }
        }
        return cursor.warnings
    }

    /// The bytes of JSON text a journal directory or file holds once decompressed (what
    /// `zstdcat | wc -c` counts), for measurements.
    public static func textBytes(_ url: URL) throws -> Int {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        var total = 0
        for file in isDirectory.boolValue ? JournalSettings.files(in: url).map(\.url) : [url] {
            let data = try Data(contentsOf: file)
            switch JournalSettings.Encoding(file.lastPathComponent) {
            case .zstd: Zstd.forEachFrame(in: data) { total += $0.count }
            case .gzip: total += Gzip.decompress(data).output.count
            case .plain, nil: total += data.count
            }
        }
        return total
    }

    /// What was wrong with a line, when it is more than "not JSON": a compact record whose
    /// shared entry is missing.
    static func detail(of error: Error) -> String {
        (error as? CompactRecordError).map { " (\($0.description))" } ?? ""
    }
}
