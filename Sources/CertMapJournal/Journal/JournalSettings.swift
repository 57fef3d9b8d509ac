import Foundation

/// Where the journal lives and how big it may grow: files of at most `maxFileBytes`, at most
/// `maxFiles` of them (the oldest are deleted), flushed to the OS at least every
/// `flushInterval` so a crash loses at most that much.
public struct JournalSettings: Hashable, Sendable {
    public var directory: URL
    public var maxFileBytes: Int
    public var maxFiles: Int
    public var flushInterval: Duration

    public init(directory: URL, maxFileBytes: Int = 32 * 1024 * 1024, maxFiles: Int = 10, flushInterval: Duration = .seconds(1)) {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        self.flushInterval = flushInterval
    }

    /// `journal-000042.jsonl`: numbered so that name order is time order.
    static func fileName(number: Int) -> String {
        "journal-" + String(format: "%06d", number) + ".jsonl"
    }

    /// The journal files in `directory`, oldest first.
    static func files(in directory: URL) -> [(number: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("journal-"), name.hasSuffix(".jsonl"),
                let number = Int(name.dropFirst("journal-".count).dropLast(".jsonl".count))
            else { return nil }
            return (number, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }
}
