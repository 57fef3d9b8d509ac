import CertMapCore
import Foundation

/// A journal read on demand, one frame's events at a time (`nextBatch()`), for readers that
/// pull — an `async` replay awaits between requests, which a push-style `stream` cannot do —
/// with one segment's compressed bytes and one frame's events in memory.
///
/// Damage is skipped as `JournalReader` describes, each spot named in `warnings`.
public final class JournalCursor {
    private var files: [URL]
    private var segment: Segment?
    private var decoder: JournalFrameDecoder
    /// `journal-000003.jsonl.zst:1234: skipped a corrupt line`, and so on, as they are met.
    public private(set) var warnings: [String] = []
    /// Bytes on disk of every segment to read, and of the segments (and frames) read so far.
    public let totalBytes: Int64
    private var finishedBytes: Int64 = 0
    private var currentSize: Int64 = 0

    /// One segment being read.
    private struct Segment {
        let name: String
        var frames: Zstd.FrameReader?
        /// The whole text of a gzip or plain segment, handed over as one piece.
        var whole: Data?
        let plain: Bool
        var lineNumber = 0
    }

    /// A journal directory (every segment in order) or a single file; with `since`, segments
    /// last written before it are skipped (every event in them is older). Without `traces`,
    /// request records come with an empty trace (for readers that never show one).
    public init(_ url: URL, since: Date? = nil, traces: Bool = true) throws {
        decoder = JournalFrameDecoder(traces: traces)
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
        self.files = files
        self.totalBytes = files.reduce(0) { total, file in
            total + Int64(((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? Int) ?? 0)
        }
    }

    /// Bytes on disk read so far (for progress: compare with `totalBytes`).
    public var bytesRead: Int64 {
        guard let segment else { return finishedBytes }
        return finishedBytes + (segment.frames.map { Int64($0.consumed) } ?? (segment.whole == nil ? currentSize : 0))
    }

    /// The events of the next frame (possibly none, when it held only shared lines or damage),
    /// or nil when the journal is read.
    public func nextBatch() throws -> [CertMapEvent]? {
        while true {
            if segment == nil {
                guard !files.isEmpty else { return nil }
                try open(files.removeFirst())
            }
            guard var current = segment else { continue }
            let piece: Data?
            if current.frames != nil {
                piece = current.frames?.next()
                if piece == nil, current.frames?.complete == false { warnTorn(current.name) }
            } else {
                piece = current.whole
                current.whole = nil
            }
            guard let piece else {
                segment = nil
                finishedBytes += currentSize
                continue
            }
            var events: [CertMapEvent] = []
            let final = current.plain
            let name = current.name
            piece.withUnsafeBytes { bytes in
                decoder.decode(bytes, lineNumber: &current.lineNumber) { number, last, outcome in
                    switch outcome {
                    case .success(let event):
                        if let event { events.append(event) }
                    case .failure(let error):
                        let what = final && last ? "a torn last line (the process probably stopped mid-write)" : "a corrupt line"
                        warnings.append("\(name):\(number): skipped \(what)\(JournalReader.detail(of: error))")
                    }
                }
            }
            segment = current
            return events
        }
    }

    private func warnTorn(_ name: String) {
        warnings.append("\(name): the last block is torn or corrupt (the process probably stopped mid-write); read what came before it")
    }

    private func open(_ file: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw JournalError.io(file: file.path, detail: "cannot read: \(PeopleText.describe(fileSystem: error))")
        }
        decoder.startSegment()
        currentSize = Int64(data.count)
        let name = file.lastPathComponent
        switch JournalSettings.Encoding(name) {
        case .zstd:
            segment = Segment(name: name, frames: Zstd.FrameReader(data), whole: nil, plain: false)
        case .gzip:
            let decoded = Gzip.decompress(data)
            if !decoded.complete { warnTorn(name) }
            segment = Segment(name: name, frames: nil, whole: decoded.output, plain: false)
        case .plain, nil:
            segment = Segment(name: name, frames: nil, whole: data, plain: true)
        }
    }
}
