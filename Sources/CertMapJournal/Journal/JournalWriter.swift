import CertMapCore
import Foundation

/// Appends events to the journal as JSON lines in zstd frames, one frame per flush, rotating
/// segments by size and pruning old ones by total size and age.
///
/// Lines are buffered and written to the OS by `flush()` (the recorder calls it at least every
/// `flushInterval`), so a crash loses at most that much and a torn last frame is possible — the
/// reader keeps everything before it. A new writer continues the newest segment while it has
/// room. Each segment is self-contained: the first request that references a certificate in a
/// segment is preceded by that certificate's record, so pruning older segments never leaves a
/// request without its certificate. Events hold certificate summaries and fingerprints only;
/// private keys and passwords never reach the event model, so they cannot reach the journal.
public final class JournalWriter: Sendable {
    private struct State {
        var buffer = Data()
        var descriptor: Int32 = -1
        var fileNumber: Int
        var fileBytes = 0
        var written: UInt64 = 0
        /// Certificates whose record is in the current segment.
        var inSegment: Set<String> = []
        /// Certificate records seen, to repeat in a new segment when a request needs them.
        var known: [String: CertificateRecord] = [:]
        /// Writes requests in the compact form; its shared entries start afresh with the segment.
        var lines = JournalLineEncoder()
        /// Events in `buffer`.
        var bufferedEvents = 0
        /// Events dropped because they could not be written (a full disk), since the writer started.
        var unrecorded: UInt64 = 0
        let compressor: Zstd.Compressor
    }

    public let settings: JournalSettings
    private let state: LockedState<State>
    /// Lines held for the next try while writes fail, before they are dropped and counted.
    static let maxBufferedBytesWhileFailing = 4 << 20

    public init(settings: JournalSettings) throws {
        self.settings = settings
        do {
            try FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw JournalError.io(file: settings.directory.path, detail: "cannot create the journal directory: \(PeopleText.describe(fileSystem: error))")
        }
        let compressor: Zstd.Compressor
        do {
            compressor = try Zstd.Compressor()
        } catch {
            throw JournalError.io(file: settings.directory.path, detail: "\(error)")
        }
        // Continue the newest segment while it has room; one an earlier version wrote (gzip, or
        // plain lines) is left as it was.
        let newest = JournalSettings.files(in: settings.directory).last
        let size = newest.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.url.path)[.size] as? Int } ?? 0
        if let newest, JournalSettings.isContinuable(newest.url), size < settings.maxSegmentBytes {
            self.state = LockedState(State(fileNumber: newest.number, compressor: compressor))
        } else {
            self.state = LockedState(State(fileNumber: (newest?.number ?? 0) + 1, compressor: compressor))
        }
    }

    /// Buffers one event as a line (a request's certificate record first, when the segment
    /// does not have it yet).
    public func append(_ event: CertMapEvent) throws {
        enum Plan { case skip, write, writeAfter(CertificateRecord) }
        let plan: Plan = state.withLock { state in
            // What is buffered goes to the segment current at the next flush: a new one when this
            // one is full (or none is open yet), which starts without any certificate.
            if state.buffer.isEmpty, state.descriptor < 0 || state.fileBytes >= settings.maxSegmentBytes {
                state.inSegment.removeAll()
                state.lines.startScope()
            }
            switch event.kind {
            case .certificate(let record):
                if state.known.count < 100_000 { state.known[record.sha256] = record }
                return state.inSegment.insert(record.sha256).inserted ? .write : .skip
            case .request(let request):
                guard let sha = request.certificate?.sha256, let record = state.known[sha], state.inSegment.insert(sha).inserted else { return .write }
                return .writeAfter(record)
            default:
                return .write
            }
        }
        if case .skip = plan { return }
        try state.withLock { state in
            if case .writeAfter(let record) = plan {
                try state.lines.append(CertMapEvent(sequence: event.sequence, time: event.time, kind: .certificate(record)), to: &state.buffer)
            }
            try state.lines.append(event, to: &state.buffer)
            state.bufferedEvents += 1
        }
    }

    /// Writes buffered lines to the current segment as one zstd frame, starting a new segment
    /// when it is full.
    ///
    /// When the write fails (a full disk, an I/O error) the segment is cut back to its last whole
    /// frame so everything written before stays readable, and the error is thrown; the buffered
    /// events wait for the next flush, which simply tries again, so recording resumes by itself
    /// once the disk has room. While writing keeps failing, what is buffered beyond
    /// `maxBufferedBytesWhileFailing` is dropped and counted in `unrecordedEvents`.
    public func flush() throws {
        try state.withLock { state in
            guard !state.buffer.isEmpty else { return }
            do {
                try writeBuffer(&state)
            } catch {
                // Kept for the next try while it is small (a brief failure loses nothing); past
                // that, dropped and counted, so a full disk cannot grow memory without bound.
                if state.buffer.count > Self.maxBufferedBytesWhileFailing {
                    state.unrecorded += UInt64(state.bufferedEvents)
                    state.buffer.removeAll(keepingCapacity: false)
                    state.bufferedEvents = 0
                    // The certificates and shared entries of dropped lines are no longer in the segment.
                    state.inSegment.removeAll()
                    state.lines.startScope()
                }
                throw error
            }
        }
    }

    private func writeBuffer(_ state: inout State) throws {
        if state.descriptor < 0 || state.fileBytes >= settings.maxSegmentBytes {
            try rotate(&state)
        }
        let frame: Data
        do {
            frame = try state.compressor.frame(state.buffer)
        } catch {
            throw JournalError.io(file: currentURL(state).path, detail: "\(error)")
        }
        do {
            try Self.write(frame, to: state.descriptor, file: currentURL(state))
        } catch {
            // A torn frame would hide every later one from readers: cut it off.
            _ = ftruncate(state.descriptor, off_t(state.fileBytes))
            throw error
        }
        state.fileBytes += frame.count
        state.written += UInt64(frame.count)
        state.buffer.removeAll(keepingCapacity: true)
        state.bufferedEvents = 0
    }

    /// Flushes, syncs and closes the current file.
    public func close() throws {
        try flush()
        state.withLock { state in
            if state.descriptor >= 0 {
                fsync(state.descriptor)
                Foundation.close(state.descriptor)
                state.descriptor = -1
            }
        }
    }

    /// Bytes written to disk so far.
    public var bytesWritten: UInt64 { state.withLock { $0.written } }

    /// Events that could not be written (dropped after a failed flush) since the writer started.
    public var unrecordedEvents: UInt64 { state.withLock { $0.unrecorded } }

    private func currentURL(_ state: State) -> URL {
        settings.directory.appendingPathComponent(JournalSettings.fileName(number: state.fileNumber))
    }

    private func rotate(_ state: inout State) throws {
        if state.descriptor >= 0 {
            fsync(state.descriptor)
            Foundation.close(state.descriptor)
            state.descriptor = -1
            state.fileNumber += 1
        }
        let url = currentURL(state)
        state.descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard state.descriptor >= 0 else {
            throw JournalError.io(file: url.path, detail: "cannot open for appending: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        state.fileBytes = fstat(state.descriptor, &info) == 0 ? Int(info.st_size) : 0
        prune(keeping: url, currentBytes: Int64(state.fileBytes))
    }

    /// Deletes the oldest segments beyond the total size, and those older than the maximum age;
    /// never `current`.
    private func prune(keeping current: URL, currentBytes: Int64) {
        let now = Date()
        var segments = JournalSettings.files(in: settings.directory).compactMap { file -> (url: URL, size: Int64, modified: Date)? in
            guard file.url.lastPathComponent != current.lastPathComponent,
                let attributes = try? FileManager.default.attributesOfItem(atPath: file.url.path)
            else { return nil }
            return (file.url, (attributes[.size] as? Int64) ?? Int64((attributes[.size] as? Int) ?? 0), (attributes[.modificationDate] as? Date) ?? now)
        }
        var total = segments.reduce(currentBytes) { $0 + $1.size }
        while let oldest = segments.first, total > settings.maxTotalBytes || now.timeIntervalSince(oldest.modified) > settings.maxAge {
            try? FileManager.default.removeItem(at: oldest.url)
            total -= oldest.size
            segments.removeFirst()
        }
    }

    private static func write(_ data: Data, to descriptor: Int32, file: URL) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    throw JournalError.io(file: file.path, detail: "write failed: \(String(cString: strerror(errno)))")
                }
                offset += result
            }
        }
    }
}

/// Why the journal could not be written or read.
public enum JournalError: Error, Hashable, CustomStringConvertible {
    case io(file: String, detail: String)

    public var description: String {
        switch self {
        case .io(let file, let detail): return "\(file): \(detail)"
        }
    }
}
