import Foundation

/// The one JSON form of events, shared by the journal and `certmap serve --log-format json`:
/// sorted keys, unescaped slashes, RFC 3339 times with milliseconds (request timelines need
/// sub-second order; plain `.iso8601` would drop it).
public enum EventJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339Time.string(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }

    /// The time `text` writes in RFC 3339, with or without a fraction of a second; nil when it is
    /// not one. The one parser of times from files and the command line: the shape is checked
    /// before ICU sees the text (see `isRFC3339DateTime`).
    public static func date(from text: String) -> Date? {
        guard isRFC3339DateTime(text) else { return nil }
        return SharedTimeFormatter.shared.date(from: text)
    }

    /// Whether `text` has the shape of an RFC 3339 date-time — `2026-11-25T03:00:00Z`, with an
    /// optional fraction of at most nine digits and `Z` or a `±hh:mm` offset — which is checked
    /// before any text from a file or the command line reaches `ISO8601DateFormatter`: ICU divides
    /// by zero (SIGFPE, which no `try` catches) on a fraction of a few dozen digits, so one such
    /// line in a journal or HAR file would crash every command that reads it.
    public static func isRFC3339DateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= bytes.count && bytes[range].allSatisfy { (0x30...0x39).contains($0) } }
        func byte(_ index: Int, in allowed: String) -> Bool { index < bytes.count && allowed.utf8.contains(bytes[index]) }
        guard digits(0..<4), byte(4, in: "-"), digits(5..<7), byte(7, in: "-"), digits(8..<10), byte(10, in: "Tt"),
            digits(11..<13), byte(13, in: ":"), digits(14..<16), byte(16, in: ":"), digits(17..<19)
        else { return false }
        var index = 19
        if byte(index, in: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard (1...9).contains(index - start) else { return false }
        }
        if byte(index, in: "Zz") { return index + 1 == bytes.count }
        return byte(index, in: "+-") && digits(index + 1..<index + 3) && byte(index + 3, in: ":") && digits(index + 4..<index + 6)
            && index + 6 == bytes.count
    }
}

/// The RFC 3339 parsers (with and without a fraction of a second), made once, behind a lock.
///
/// Creating an `ISO8601DateFormatter` builds an ICU formatter (~140 µs), too much for every
/// date read. ICU formatters are not safe to share between threads, hence the lock. Times are
/// written by `RFC3339Time`.
private final class SharedTimeFormatter: @unchecked Sendable {
    static let shared = SharedTimeFormatter()

    private let lock = NSLock()
    private let fractional: ISO8601DateFormatter
    private let whole = ISO8601DateFormatter()

    private init() {
        fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    func date(from text: String) -> Date? {
        lock.withLock { fractional.date(from: text) ?? whole.date(from: text) }
    }
}
