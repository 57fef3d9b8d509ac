import CZlib
import Foundation

/// gzip members (RFC 1952) for the journal: each flush is appended as one member, so a segment
/// is a valid gzip file at every flush (`zcat journal-000001.jsonl.gz` reads it) and a crash can
/// only tear the last member. Decompression reads member after member and keeps everything
/// before a torn or corrupt tail.
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One complete gzip member holding `data` (tests write old-style segments with it).
    static func member(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        // 31 = 15 window bits + 16 for a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib: cannot start compressing")
        }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, UInt(data.count))) + 32)
        let written: Int = try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            try output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { throw Failure(description: "zlib: compression did not finish") }
                return out.count - Int(stream.avail_out)
            }
        }
        output.count = written
        return output
    }

    /// Everything the members in `data` hold, and whether the data ended cleanly after a
    /// complete member (false: the tail is torn or corrupt; what came before is kept). A
    /// member's text is kept only once its CRC has checked out, so damage never yields altered
    /// events — only missing ones.
    static func decompress(_ data: Data) -> (output: Data, complete: Bool) {
        var output = Data()
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> (Data, Bool) in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else { return (output, true) }
            while offset < input.count {
                var stream = z_stream()
                guard inflateInit2_(&stream, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return (output, false) }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: base + offset)
                stream.avail_in = uInt(input.count - offset)
                var status: Int32 = Z_OK
                var member = Data()
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        let result = inflate(&stream, Z_NO_FLUSH)
                        member.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                        return result
                    }
                } while status == Z_OK
                guard status == Z_STREAM_END else { return (output, false) }
                output.append(member)
                offset = input.count - Int(stream.avail_in)
            }
            return (output, true)
        }
    }
}
