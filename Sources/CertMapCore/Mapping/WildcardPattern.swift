import Foundation

/// An IIS match criterion: literal text where `*` stands for any run of characters (possibly empty).
///
/// Compiled once when a configuration snapshot is built. Matching compares NFC-normalised text;
/// case-insensitive matching compares lower-cased text, so `Contoso` matches `CONTOSO`.
/// The pattern also reports its literal prefix and suffix so the mapping index can put it in a
/// bucket instead of testing it against every request.
public struct WildcardPattern: Hashable, Sendable, CustomStringConvertible {
    /// The criterion as written in the configuration.
    public let source: String
    public let isCaseSensitive: Bool
    /// Literal pieces between the `*`s, already normalised (and lower-cased when insensitive).
    private let pieces: [[UInt8]]
    private let startsWithWildcard: Bool
    private let endsWithWildcard: Bool

    public init(_ source: String, caseSensitive: Bool) {
        self.source = source
        self.isCaseSensitive = caseSensitive
        let normalised = Self.normalise(source, caseSensitive: caseSensitive)
        self.pieces = normalised.split(separator: "*", omittingEmptySubsequences: false).map { Array($0.utf8) }
        self.startsWithWildcard = normalised.hasPrefix("*")
        self.endsWithWildcard = normalised.hasSuffix("*")
    }

    public var description: String { source }

    /// True when the criterion has no `*`: it matches one value only.
    public var isExact: Bool { pieces.count == 1 }

    /// The normalised literal before the first `*` (the whole value when exact), or nil when the
    /// pattern starts with `*`. Lower-cased regardless of case sensitivity: used as an index key.
    public var indexPrefix: String? {
        startsWithWildcard ? nil : String(decoding: pieces[0], as: UTF8.self).lowercased()
    }

    /// The normalised literal after the last `*`, or nil when the pattern ends with `*` or is exact.
    public var indexSuffix: String? {
        (endsWithWildcard || isExact) ? nil : String(decoding: pieces[pieces.count - 1], as: UTF8.self).lowercased()
    }

    /// Whether `value` (raw, as read from the certificate) matches.
    public func matches(_ value: String) -> Bool {
        matches(normalised: Array(Self.normalise(value, caseSensitive: isCaseSensitive).utf8))
    }

    /// Matches bytes that were already normalised for this pattern's case sensitivity.
    func matches(normalised value: [UInt8]) -> Bool {
        if pieces.count == 1 { return value == pieces[0] }
        let first = pieces[0]
        let last = pieces[pieces.count - 1]
        guard value.count >= first.count + last.count,
            value.starts(with: first), value.reversed().starts(with: last.reversed())
        else { return false }
        var cursor = first.count
        let end = value.count - last.count
        for piece in pieces[1..<(pieces.count - 1)] where !piece.isEmpty {
            guard let found = Self.find(piece, in: value, from: cursor, before: end) else { return false }
            cursor = found + piece.count
        }
        return true
    }

    static func normalise(_ text: String, caseSensitive: Bool) -> String {
        // ASCII is already in NFC; skipping Foundation's bridge for it is most of the saving.
        let composed = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        return caseSensitive ? composed : composed.lowercased()
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int) -> Int? {
        guard end - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= end {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
