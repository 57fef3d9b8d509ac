import CertMapCore
import CZlib
import Foundation

/// Reads a log file line by line in bounded memory — 1 MiB of the file at a time — inflating it
/// on the way when it is gzip-compressed (rotated logs: `access.log.2.gz`, several members
/// concatenated included). A line longer than `maxLineBytes` is cut and reported as too long by
/// the caller (`isTruncated`), never held whole.
public final class LogLineReader {
    public static let maxLineBytes = 1 << 20

    private let handle: FileHandle
    private var inflater: UnsafeMutablePointer<z_stream>?
    private var pending: [UInt8] = []
    /// Where the unread part of `pending` starts (lines are not removed one by one: that moved
    /// the rest of the buffer for every line).
    private var start = 0
    private var ended = false
    public private(set) var lineNumber = 0
    /// Bytes of the file read so far (compressed bytes for a gzip file), for progress.
    public private(set) var bytesRead: UInt64 = 0
    /// The last line returned was longer than `maxLineBytes` and was cut.
    public private(set) var isTruncated = false

    private let url: URL

    public init(url: URL) throws {
        self.url = url
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LogReadError(file: url.path, detail: "is a directory, not a file")
        }
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw LogReadError(file: url.path, detail: PeopleText.describe(fileSystem: error))
        }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        try handle.seek(toOffset: 0)
        if head == Data([0x1F, 0x8B]) {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard inflateInit2_(stream, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw LogReadError(file: url.path, detail: "zlib could not start decompressing")
            }
            inflater = stream
        }
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
        try? handle.close()
    }

    /// The next line without its newline, or nil at the end of the file.
    public func next() throws -> String? {
        while true {
            if let newline = pending[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                isTruncated = newline - start > Self.maxLineBytes
                let line = String(decoding: pending[start..<min(newline, start + Self.maxLineBytes)], as: UTF8.self)
                start = newline + 1
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            // Drop what was read before reading more.
            pending.removeSubrange(..<start)
            start = 0
            if ended {
                guard !pending.isEmpty else { return nil }
                lineNumber += 1
                isTruncated = pending.count > Self.maxLineBytes
                let line = String(decoding: pending.prefix(Self.maxLineBytes), as: UTF8.self)
                pending.removeAll()
                return line
            }
            if pending.count > Self.maxLineBytes {
                // Keep reading to the line's end, without keeping what is beyond the limit.
                pending.removeSubrange(Self.maxLineBytes..<pending.count - 1)
            }
            try fill()
        }
    }

    private func fill() throws {
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        } catch {
            throw LogReadError(file: url.path, detail: PeopleText.describe(fileSystem: error))
        }
        bytesRead += UInt64(chunk.count)
        guard !chunk.isEmpty else {
            ended = true
            return
        }
        guard let inflater else {
            pending.append(contentsOf: chunk)
            return
        }
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        try chunk.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            inflater.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            inflater.pointee.avail_in = uInt(input.count)
            while inflater.pointee.avail_in > 0 {
                let status = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    inflater.pointee.next_out = buffer.baseAddress
                    inflater.pointee.avail_out = uInt(buffer.count)
                    let status = inflate(inflater, Z_NO_FLUSH)
                    pending.append(contentsOf: buffer[..<(buffer.count - Int(inflater.pointee.avail_out))])
                    return status
                }
                if status == Z_STREAM_END {
                    // Another member may follow (logs rotated and concatenated).
                    inflateReset(inflater)
                } else if status != Z_OK && status != Z_BUF_ERROR {
                    throw LogReadError(file: url.path, detail: "the gzip data is corrupt after \(bytesRead) bytes (zlib error \(status))")
                }
            }
        }
    }
}

/// A log file that cannot be read at all (missing, unreadable, corrupt compression).
public struct LogReadError: Error, CustomStringConvertible {
    public let file: String
    public let detail: String

    public var description: String { file.isEmpty ? detail : "\(file): \(detail)" }
}
