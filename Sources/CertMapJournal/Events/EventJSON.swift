import Foundation

/// The one JSON form of events, shared by the journal and `certmap serve --log-format json`:
/// sorted keys, unescaped slashes, RFC 3339 times with milliseconds (request timelines need
/// sub-second order; plain `.iso8601` would drop it).
public enum EventJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let formatter = SharedTimeFormatter()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatter.string(from: date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        let formatter = SharedTimeFormatter()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }
}

/// One RFC 3339 formatter (milliseconds) per encoder or decoder, behind a lock.
///
/// Creating an `ISO8601DateFormatter` builds an ICU formatter (~140 µs); doing that for every
/// date made JSON event output the largest cost of serving a request. ICU formatters are not
/// safe to share between threads, hence the lock (uncontended: each encoder is used serially).
private final class SharedTimeFormatter: @unchecked Sendable {
    private let lock = NSLock()
    private let formatter: ISO8601DateFormatter

    init() {
        formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    func string(from date: Date) -> String {
        lock.withLock { formatter.string(from: date) }
    }

    func date(from text: String) -> Date? {
        lock.withLock { formatter.date(from: text) }
    }
}
