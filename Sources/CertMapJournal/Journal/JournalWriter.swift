import CertMapCore
import Foundation

/// Appends events to the journal as JSON lines, rotating files by size.
///
/// Lines are buffered and written to the OS by `flush()` (the recorder calls it at least every
/// `flushInterval`), so a crash loses at most that much and a torn last line is possible — the
/// reader skips it. Events hold certificate summaries and fingerprints only; private keys and
/// passwords never reach the event model, so they cannot reach the journal.
public final class JournalWriter: Sendable {
    private struct State {
        var buffer = Data()
        var descriptor: Int32 = -1
        var fileNumber: Int
        var fileBytes = 0
        var written: UInt64 = 0
    }

    public let settings: JournalSettings
    private let state: LockedState<State>
    private let encoder: JSONEncoder

    public init(settings: JournalSettings) throws {
        self.settings = settings
        do {
            try FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw JournalError.io(file: settings.directory.path, detail: "cannot create the journal directory: \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
        let next = (JournalSettings.files(in: settings.directory).last?.number ?? 0) + 1
        self.state = LockedState(State(fileNumber: next))
        self.encoder = EventJSON.encoder()
    }

    /// Buffers one event as a line.
    public func append(_ event: CertMapEvent) throws {
        var line = try encoder.encode(event)
        line.append(0x0A)
        state.withLock { $0.buffer.append(line) }
    }

    /// Writes buffered lines to the current file, starting a new file when it is full.
    public func flush() throws {
        try state.withLock { state in
            guard !state.buffer.isEmpty else { return }
            if state.descriptor < 0 || state.fileBytes >= settings.maxFileBytes {
                try rotate(&state)
            }
            try Self.write(state.buffer, to: state.descriptor, file: currentURL(state))
            state.fileBytes += state.buffer.count
            state.written += UInt64(state.buffer.count)
            state.buffer.removeAll(keepingCapacity: true)
        }
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

    private func currentURL(_ state: State) -> URL {
        settings.directory.appendingPathComponent(JournalSettings.fileName(number: state.fileNumber))
    }

    private func rotate(_ state: inout State) throws {
        if state.descriptor >= 0 {
            fsync(state.descriptor)
            Foundation.close(state.descriptor)
            state.fileNumber += 1
        }
        let url = currentURL(state)
        state.descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard state.descriptor >= 0 else {
            throw JournalError.io(file: url.path, detail: "cannot open for appending: \(String(cString: strerror(errno)))")
        }
        state.fileBytes = 0
        for old in JournalSettings.files(in: settings.directory).dropLast(settings.maxFiles) {
            try? FileManager.default.removeItem(at: old.url)
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
