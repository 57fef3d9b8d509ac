import Foundation

/// A forward-only reader of one line of JSON, for the journal's hand-written decoder: it reads
/// exactly the shapes certmap writes and throws `JSONCursor.Unexpected` at anything else (a key
/// with an escape, a float where an integer belongs, invalid UTF-8), so the caller hands that
/// line to Foundation's decoder, which either reads it or says what is wrong with it.
///
/// It works on borrowed bytes (`UnsafeRawBufferPointer`) and must not outlive them.
struct JSONCursor {
    struct Unexpected: Error {}

    let bytes: UnsafeRawBufferPointer
    private(set) var index: Int

    init(_ bytes: UnsafeRawBufferPointer, from index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next significant byte, not consumed.
    mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Unexpected() }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw Unexpected() }
        index += 1
    }

    /// Reads an object, calling `field` with each key (its raw bytes, which must hold no escape)
    /// positioned at the value, which `field` must read or skip.
    mutating func object(_ field: (inout JSONCursor, UnsafeRawBufferPointer) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            let key = try rawString()
            try expect(UInt8(ascii: ":"))
            try field(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw Unexpected()
            }
        }
    }

    /// Reads an array, calling `element` positioned at each element.
    mutating func array(_ element: (inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try element(&self)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw Unexpected()
            }
        }
    }

    /// A string's bytes between its quotes, when it holds no escape.
    mutating func rawString() throws -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        guard let text = try plainRun() else { throw Unexpected() }
        return text
    }

    /// A string value, escapes resolved; invalid UTF-8 is unexpected.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        guard let text = try plainRun() else {
            index = start
            return try escapedString()
        }
        // ASCII (nearly every string certmap writes) is valid UTF-8 as it is.
        if Self.isASCII(text) { return String(decoding: text, as: UTF8.self) }
        guard let validated = String(validating: text, as: UTF8.self) else { throw Unexpected() }
        return validated
    }

    /// From just after an opening quote: the string's bytes, past its closing quote, when it
    /// holds no escape; nil (the cursor left at the backslash) when it does.
    private mutating func plainRun() throws -> UnsafeRawBufferPointer? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            }
            if byte == UInt8(ascii: "\\") { return nil }
            if byte < 0x20 { throw Unexpected() }
            index += 1
        }
        throw Unexpected()
    }

    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The rest of a string holding escapes, from just after its opening quote.
    private mutating func escapedString() throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                if byte < 0x20 { throw Unexpected() }
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            if byte == UInt8(ascii: "\"") {
                let text = output.withUnsafeBytes { Self.isASCII($0) }
                if text { return String(decoding: output, as: UTF8.self) }
                guard let validated = String(validating: output, as: UTF8.self) else { throw Unexpected() }
                return validated
            }
            guard index < bytes.count else { throw Unexpected() }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Unexpected() }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw Unexpected() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Unexpected() }
                output.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw Unexpected()
            }
            runStart = index
        }
        throw Unexpected()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Unexpected() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Unexpected()
            }
            value = value << 4 | digit
        }
        return value
    }

    /// A non-negative integer without sign, fraction or exponent (what certmap writes for counts
    /// and numbers), at most 18 digits.
    mutating func unsigned() throws -> UInt64 {
        _ = try peek()
        let start = index
        var value: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value = value * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits <= 18, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unexpected() }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { throw Unexpected() }
        return value
    }

    /// An integer, possibly negative.
    mutating func integer() throws -> Int {
        if try peek() == UInt8(ascii: "-") {
            index += 1
            return -Int(try unsigned())
        }
        return Int(try unsigned())
    }

    mutating func bool() throws -> Bool {
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw Unexpected()
    }

    /// Consumes `null` when it is next.
    mutating func null() throws -> Bool {
        try literal("null")
    }

    private mutating func literal(_ word: StaticString) throws -> Bool {
        _ = try peek()
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += length }
        return matches
    }

    /// Any value as `JSONSerialization` gives it: `String`, `NSNumber` (an `Int` for an integer
    /// that fits, a `Double` otherwise), `[String: Any]`, `[Any]`, `NSNull`. A number with a
    /// sign, fraction or exponent is read by `Double`.
    mutating func anyValue() throws -> Any {
        switch try peek() {
        case UInt8(ascii: "{"):
            var object: [String: Any] = [:]
            try self.object { cursor, key in
                guard let name = String(validating: key, as: UTF8.self) else { throw Unexpected() }
                object[name] = try cursor.anyValue()
            }
            return object
        case UInt8(ascii: "["):
            var array: [Any] = []
            try self.array { cursor in array.append(try cursor.anyValue()) }
            return array
        case UInt8(ascii: "\""):
            return try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return NSNumber(value: try bool())
        case UInt8(ascii: "n"):
            guard try null() else { throw Unexpected() }
            return NSNull()
        default:
            let start = index
            let text = try skipValue()
            var integer = true
            for byte in text where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                if byte == UInt8(ascii: "-") && text.first == byte { continue }
                integer = false
            }
            let spelled = String(decoding: text, as: UTF8.self)
            if integer, let value = Int(spelled) { return NSNumber(value: value) }
            guard let value = Double(spelled), value.isFinite else {
                index = start
                throw Unexpected()
            }
            return NSNumber(value: value)
        }
    }

    /// Skips any value and returns the bytes it took (for a part handed to Foundation's decoder).
    mutating func skipValue() throws -> UnsafeRawBufferPointer {
        let byte = try peek()
        let start = index
        switch byte {
        case UInt8(ascii: "{"):
            try object { cursor, _ in _ = try cursor.skipValue() }
        case UInt8(ascii: "["):
            try array { cursor in _ = try cursor.skipValue() }
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { throw Unexpected() }
            index += 1
        default:
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A].contains(bytes[index]) { index += 1 }
            guard index > start else { throw Unexpected() }
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes spell `word` (a JSON key compared without making a String).
    func spells(_ word: StaticString) -> Bool {
        guard count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            guard let base = baseAddress, let other = expected.baseAddress else { return count == 0 }
            return memcmp(base, other, count) == 0
        }
    }
}
