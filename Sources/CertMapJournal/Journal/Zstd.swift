import CZstd
import Foundation

/// zstd frames (RFC 8878) for the journal: each flush is appended as one frame with its content
/// size and a checksum, so a segment is a valid zstd file at every flush (`zstdcat
/// journal-000001.jsonl.zst | jq` reads it) and a crash can only tear the last frame. About ten
/// times less CPU than gzip at level 6 for a smaller file (docs/benchmarks.md).
enum Zstd {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The level the journal writes with (see docs/benchmarks.md for the measurements).
    static let journalLevel: Int32 = 3
    /// A frame claiming more than this is treated as corrupt rather than allocated.
    static let maxFrameContent: UInt64 = 1 << 30

    /// A compression context, reused across frames (making one per frame costs more than a
    /// small frame's compression). Not thread-safe: its owner serialises use.
    final class Compressor: @unchecked Sendable {
        private let context: OpaquePointer

        init(level: Int32 = Zstd.journalLevel) throws {
            guard let context = ZSTD_createCCtx() else { throw Failure(description: "zstd: cannot start compressing") }
            self.context = context
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        }

        deinit { ZSTD_freeCCtx(context) }

        /// One complete frame holding `data`.
        func frame(_ data: Data) throws -> Data {
            var output = Data(count: ZSTD_compressBound(data.count))
            let written = data.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    ZSTD_compress2(context, out.baseAddress, out.count, input.baseAddress, input.count)
                }
            }
            guard ZSTD_isError(written) == 0 else { throw Failure(description: "zstd: \(String(cString: ZSTD_getErrorName(written)))") }
            output.count = written
            return output
        }
    }

    /// Everything the frames in `data` hold, and whether the data ended cleanly after a complete
    /// frame (false: the tail is torn or corrupt; what came before is kept).
    static func decompress(_ data: Data) -> (output: Data, complete: Bool) {
        var output = Data()
        let complete = forEachFrame(in: data) { output.append($0) }
        return (output, complete)
    }

    /// Calls `body` with each frame's content in order, one frame in memory at a time; returns
    /// whether the data ended cleanly after a complete frame (false: the tail is torn or corrupt;
    /// what came before was delivered).
    @discardableResult
    static func forEachFrame(in data: Data, _ body: (Data) throws -> Void) rethrows -> Bool {
        var frames = FrameReader(data)
        while let frame = frames.next() { try body(frame) }
        return frames.complete
    }

    /// The frames of `data` one at a time (`next()`), for readers that pull. A frame's text is
    /// delivered only once its checksum has checked out, so damage never yields altered events —
    /// only missing ones.
    struct FrameReader {
        private let data: Data
        /// One decompression context for every frame (a journal of small frames would otherwise
        /// make one per frame).
        private let context = DecompressionContext()
        private var offset = 0
        private var stopped = false
        /// False once the data turned out torn or corrupt (nothing more is delivered).
        private(set) var complete = true
        /// Compressed bytes of the frames delivered so far (for progress).
        var consumed: Int { offset }

        init(_ data: Data) {
            self.data = data
        }

        /// The next frame's content, or nil at the end (or at damage: see `complete`).
        mutating func next() -> Data? {
            guard !stopped, offset < data.count, let context = context.pointer else {
                if offset < data.count { (stopped, complete) = (true, false) }
                return nil
            }
            let result: Data? = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Data? in
                guard let base = input.baseAddress else { return nil }
                let frameStart = base + offset
                let remaining = input.count - offset
                // certmap writes only standard frames: a skippable frame, or any other magic
                // number, is damage (skipping it would lose events without a word).
                guard remaining >= 4, frameStart.loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0xFD2F_B528) else { return nil }
                let frameSize = ZSTD_findFrameCompressedSize(frameStart, remaining)
                guard ZSTD_isError(frameSize) == 0 else { return nil }
                let contentSize = ZSTD_getFrameContentSize(frameStart, frameSize)
                // Frames from certmap always carry their size; anything else is not its journal.
                guard contentSize <= maxFrameContent else { return nil }
                var frame = Data(count: Int(contentSize))
                let decoded = frame.withUnsafeMutableBytes { out in
                    ZSTD_decompressDCtx(context, out.baseAddress, out.count, frameStart, frameSize)
                }
                guard ZSTD_isError(decoded) == 0, decoded == Int(contentSize) else { return nil }
                offset += frameSize
                return frame
            }
            if result == nil {
                stopped = true
                complete = false
            }
            return result
        }
    }

    /// A zstd decompression context, freed with its owner.
    final class DecompressionContext: @unchecked Sendable {
        let pointer: OpaquePointer?

        init() {
            pointer = ZSTD_createDCtx()
        }

        deinit {
            if let pointer { ZSTD_freeDCtx(pointer) }
        }
    }
}
