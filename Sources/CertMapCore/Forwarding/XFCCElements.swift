/// Envoy's `X-Forwarded-Client-Cert` syntax, split into elements and `Key=Value` pairs.
///
/// From Envoy's documentation (HTTP header manipulation, x-forwarded-client-cert): elements are
/// separated by `,`, one per proxy hop, appended left to right; pairs inside an element by `;`;
/// keys are case-insensitive, values case-sensitive; a value containing `,` `;` or `=` is
/// double-quoted, with `"` inside written `\"`. Empty list members are skipped (RFC 9110 §5.6.1),
/// which also tolerates the `, ` that joins repeated header lines.
struct XFCCElement: Equatable {
    struct Pair: Equatable {
        /// As written; compare with `caseInsensitiveKey`.
        var key: String
        var value: String
        /// Offset of the key in the header value, for error messages.
        var offset: Int
    }

    var pairs: [Pair]

    /// The pairs whose key equals `key`, ignoring case.
    func pairs(named key: String) -> [Pair] {
        let wanted = key.lowercased()
        return pairs.filter { $0.key.lowercased() == wanted }
    }

    enum Failure: Error, Equatable {
        case unterminatedQuote(offset: Int)
        case syntax(offset: Int, detail: String)
    }

    /// All elements of `value`, leftmost first.
    static func parse(_ value: String) throws(Failure) -> [XFCCElement] {
        var scanner = Scanner(bytes: Array(value.utf8))
        return try scanner.elements()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        mutating func elements() throws(Failure) -> [XFCCElement] {
            var elements: [XFCCElement] = []
            var pairs: [Pair] = []
            while true {
                skipOWS()
                guard let byte = peek else { break }
                if byte == UInt8(ascii: ",") {
                    if !pairs.isEmpty { elements.append(XFCCElement(pairs: pairs)) }
                    pairs = []
                    index += 1
                } else if byte == UInt8(ascii: ";") {
                    index += 1
                } else {
                    pairs.append(try pair())
                }
            }
            if !pairs.isEmpty { elements.append(XFCCElement(pairs: pairs)) }
            return elements
        }

        private mutating func pair() throws(Failure) -> Pair {
            let keyStart = index
            while let byte = peek, !"=,;\"".utf8.contains(byte) { index += 1 }
            let key = text(keyStart..<index).trimmingOWS
            guard peek == UInt8(ascii: "=") else {
                throw .syntax(offset: keyStart, detail: "expected Key=Value")
            }
            guard !key.isEmpty else { throw .syntax(offset: keyStart, detail: "empty key before '='") }
            index += 1
            skipOWS()
            let value = peek == UInt8(ascii: "\"") ? try quotedValue() : try plainValue()
            skipOWS()
            if let byte = peek, byte != UInt8(ascii: ";"), byte != UInt8(ascii: ",") {
                throw .syntax(offset: index, detail: "expected ';' or ',' after the value of \(key)")
            }
            return Pair(key: key, value: value, offset: keyStart)
        }

        private mutating func quotedValue() throws(Failure) -> String {
            let open = index
            index += 1
            var value: [UInt8] = []
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: value, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = peek else { break }
                    value.append(escaped)
                    index += 1
                } else {
                    value.append(byte)
                }
            }
            throw .unterminatedQuote(offset: open)
        }

        private mutating func plainValue() throws(Failure) -> String {
            let start = index
            while let byte = peek, byte != UInt8(ascii: ";"), byte != UInt8(ascii: ",") {
                if byte == UInt8(ascii: "\"") {
                    throw .syntax(offset: index, detail: "'\"' inside an unquoted value (quote the whole value)")
                }
                index += 1
            }
            return text(start..<index).trimmingOWS
        }

        private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func skipOWS() {
            while peek == UInt8(ascii: " ") || peek == UInt8(ascii: "\t") { index += 1 }
        }

        private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    }
}

private extension String {
    /// Without leading and trailing spaces and tabs (HTTP OWS, RFC 9110 §5.6.3).
    var trimmingOWS: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
