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
    /// - Parameter since: segments last written before this time are not read at all (every
    ///   event in them is older); events of the others are all delivered, older ones included.
    @discardableResult
    public static func stream(_ url: URL, since: Date? = nil, _ body: (CertMapEvent) throws -> Void) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw JournalError.io(file: url.path, detail: "no such journal file or directory")
        }
        var files = isDirectory.boolValue ? JournalSettings.files(in: url).map(\.url) : [url]
        if let since, isDirectory.boolValue {
            files = files.filter { file in
                let modified = (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate]) as? Date
                return modified.map { $0 >= since } ?? true
            }
        }
        var warnings: [String] = []
        var decoder = JournalFrameDecoder()
        for file in files {
            let data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw JournalError.io(file: file.path, detail: "cannot read: \(PeopleText.describe(fileSystem: error))")
            }
            decoder.startSegment()
            var lineNumber = 0
            let name = file.lastPathComponent
            /// Decodes the lines of one piece of text; `final` when nothing follows it in the file.
            func lines(of text: Data, final: Bool) throws {
                try text.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> Void in
                    try decoder.decode(bytes, lineNumber: &lineNumber) { (number: Int, last: Bool, outcome: JournalFrameDecoder.Outcome) throws -> Void in
                        switch outcome {
                        case .success(let event):
                            if let event { try body(event) }
                        case .failure(let error):
                            let what = final && last ? "a torn last line (the process probably stopped mid-write)" : "a corrupt line"
                            warnings.append("\(name):\(number): skipped \(what)\(Self.detail(of: error))")
                        }
                    }
                }
            }
            let complete: Bool
            switch JournalSettings.Encoding(name) {
            case .zstd:
                complete = try Zstd.forEachFrame(in: data) { try lines(of: $0, final: false) }
            case .gzip:
                let decoded = Gzip.decompress(data)
                try lines(of: decoded.output, final: false)
                complete = decoded.complete
            case .plain, nil:
                try lines(of: data, final: true)
                complete = true
            }
            if !complete {
                warnings.append("\(name): the last block is torn or corrupt (the process probably stopped mid-write); read what came before it")
            }
        }
        return warnings
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
    private static func detail(of error: Error) -> String {
        if let error = error as? CompactRecordError { return " (\(error.description))" }
        if case DecodingError.dataCorrupted(let context) = error, context.debugDescription.hasPrefix("refers to") { return " (\(context.debugDescription))" }
        return ""
    }
}
