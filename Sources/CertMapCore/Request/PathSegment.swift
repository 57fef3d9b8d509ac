/// One segment of a request path while `RequestTarget` normalises it: its bytes after escapes
/// were normalised, and whether a `.` in it came from decoding `%2E`.
struct PathSegment {
    var bytes: [UInt8] = []
    var decodedDot = false

    /// The segment without its path parameters (what follows the first `;`).
    var name: ArraySlice<UInt8> {
        bytes[..<(bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex)]
    }

    private static let dot: [UInt8] = [UInt8(ascii: ".")]
    private static let dotDot: [UInt8] = [UInt8(ascii: "."), UInt8(ascii: ".")]

    /// Normalises escapes in `path` (which starts with `/`), splits it into segments, collapses
    /// repeated slashes and removes dot segments (RFC 3986 §5.2.4), refusing what backends could
    /// read differently.
    static func read(_ path: [UInt8]) -> Result<[PathSegment], RequestTargetRefusal> {
        var segments: [PathSegment] = []
        var current = PathSegment()
        var index = 1  // past the leading "/"
        while index < path.count {
            let byte = path[index]
            switch byte {
            case UInt8(ascii: "/"):
                segments.append(current)
                current = PathSegment()
            case UInt8(ascii: "\\"):
                return .failure(.backslash)
            case UInt8(ascii: "%"):
                guard index + 2 < path.count, let value = hexByte(path[index + 1], path[index + 2]) else { return .failure(.badEscape) }
                switch value {
                case UInt8(ascii: "/"): return .failure(.encodedSlash)
                case UInt8(ascii: "\\"): return .failure(.backslash)
                case 0xC0, 0xC1: return .failure(.overlongUTF8)
                case UInt8(ascii: "%"):
                    if index + 4 < path.count, hexByte(path[index + 3], path[index + 4]) != nil { return .failure(.doubleEncoded) }
                    current.bytes.append(contentsOf: escape(value))
                case _ where value < 0x20 || value == 0x7F:
                    return .failure(.controlByte(value))
                case _ where isUnreserved(value):
                    current.bytes.append(value)
                    if value == UInt8(ascii: ".") { current.decodedDot = true }
                default:
                    current.bytes.append(contentsOf: escape(value))
                }
                index += 2
            case _ where byte < 0x20 || byte == 0x7F:
                return .failure(.controlByte(byte))
            case _ where byte >= 0x80:
                current.bytes.append(contentsOf: escape(byte))
            default:
                current.bytes.append(byte)
            }
            index += 1
        }
        segments.append(current)
        return removingDotSegments(segments)
    }

    /// RFC 3986 §5.2.4 on whole segments, empty segments (repeated slashes) collapsed; the last
    /// segment stays even when empty, because a trailing slash is part of the path.
    private static func removingDotSegments(_ segments: [PathSegment]) -> Result<[PathSegment], RequestTargetRefusal> {
        var output: [PathSegment] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            if segment.bytes == dot || segment.bytes == dotDot {
                if segment.decodedDot { return .failure(.encodedDotSegment) }
                if segment.bytes == dotDot, !output.isEmpty { output.removeLast() }
                if isLast { output.append(PathSegment()) }
                continue
            }
            if segment.name.elementsEqual(dot) || segment.name.elementsEqual(dotDot) { return .failure(.dotSegmentWithParameters) }
            if segment.bytes.isEmpty && !isLast { continue }
            output.append(segment)
        }
        return .success(output)
    }

    /// `/a/b/`: the segments joined, with or without their path parameters.
    static func join(_ segments: [PathSegment], keepingParameters: Bool) -> String {
        var bytes: [UInt8] = []
        for (index, segment) in segments.enumerated() {
            let part = keepingParameters ? segment.bytes[...] : segment.name
            if part.isEmpty && index != segments.count - 1 { continue }
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: part)
        }
        return bytes.isEmpty ? "/" : String(decoding: bytes, as: UTF8.self)
    }

    /// `bytes` with every byte above 0x7F written as an upper-case escape (RFC 3987 §3.1).
    static func escapingNonASCII(_ bytes: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 { escaped.append(contentsOf: escape(byte)) } else { escaped.append(byte) }
        }
        return escaped
    }

    /// ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3).
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): return true
        default: return false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func escape(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = HexDigit.value(high), let low = HexDigit.value(low) else { return nil }
        return high << 4 | low
    }
}
