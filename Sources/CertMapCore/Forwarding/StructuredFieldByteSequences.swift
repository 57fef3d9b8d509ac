import RawStructuredFieldValues

/// What RFC 9440 needs of RFC 8941 (Structured Field Values for HTTP): an Item that is a Byte
/// Sequence (`Client-Cert`) and a List of Byte Sequences (`Client-Cert-Chain`).
///
/// Parsing is swift-http-structured-headers' (`StructuredFieldValueParser`): it decides what is
/// well-formed, parameters and every bare-item type included (parameters are then ignored,
/// RFC 8941 §4.2.3.2). certmap adds the words on top: which member has the wrong type, and for a
/// malformed byte sequence where it breaks, so the 400 and the security event say what to fix.
/// Base64 is checked against the alphabet by the parser and decoded by the caller, so the
/// caller can name the header and List member in its error.
struct StructuredFieldByteSequences {
    /// Why the text is not what RFC 9440 expects.
    enum Failure: Error, Equatable {
        /// RFC 8941 syntax error, or a member of the wrong type.
        case syntax(String)
        /// A well-formed List where a single Item was required.
        case listWhereItemExpected

        var detail: String {
            switch self {
            case .syntax(let detail): return detail
            case .listWhereItemExpected: return "a list where a single item was expected"
            }
        }
    }

    /// Parses `text` as an Item whose bare item is a Byte Sequence; returns the base64 content.
    static func item(_ text: String) throws(Failure) -> Substring {
        let bytes = Array(text.utf8)
        var parser = StructuredFieldValueParser(bytes)
        let item: Item
        do {
            item = try parser.parseItemFieldValue()
        } catch {
            var listParser = StructuredFieldValueParser(bytes)
            if let members = try? listParser.parseListFieldValue(), members.count > 1 { throw .listWhereItemExpected }
            throw .syntax(explain(error, in: bytes, member: "the value"))
        }
        return try byteSequence(item, member: "the value")
    }

    /// Parses `text` as a List whose members are Byte Sequences; returns their base64 contents.
    static func list(_ text: String) throws(Failure) -> [Substring] {
        let bytes = Array(text.utf8)
        var parser = StructuredFieldValueParser(bytes)
        let members: [ItemOrInnerList]
        do {
            members = try parser.parseListFieldValue()
        } catch {
            throw .syntax(explain(error, in: bytes, member: "a list member"))
        }
        var contents: [Substring] = []
        for (number, member) in zip(1..., members) {
            guard case .item(let item) = member else { throw .syntax("list member \(number) is an inner list, not a byte sequence") }
            contents.append(try byteSequence(item, member: "list member \(number)"))
        }
        return contents
    }

    private static func byteSequence(_ item: Item, member: String) throws(Failure) -> Substring {
        guard case .undecodedByteSequence(let base64) = item.rfc9651BareItem else {
            throw .syntax("\(member) is not a byte sequence (no leading ':')")
        }
        return Substring(base64)
    }

    /// Words for a value the parser refused: where a byte sequence breaks, when that is what
    /// broke (the common mistakes: a value without colons, a colon missing, a character outside
    /// base64), else the parser's verdict.
    private static func explain(_ error: Error, in bytes: [UInt8], member: String) -> String {
        let start = bytes.firstIndex { $0 != UInt8(ascii: " ") } ?? bytes.count
        guard start < bytes.count else { return "\(member) is empty" }
        if bytes[start] == UInt8(ascii: "(") { return "\(member) is an inner list, not a byte sequence" }
        if let error = error as? StructuredHeaderError, error == .invalidByteSequence {
            var index = start
            while let open = bytes[index...].firstIndex(of: UInt8(ascii: ":")) {
                guard let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: ":")) else { return "missing closing ':'" }
                if let bad = bytes[(open + 1)..<close].firstIndex(where: { !isBase64($0) }) {
                    return "unexpected \(shown(bytes[bad])) at offset \(bad) inside the byte sequence"
                }
                index = close + 1
            }
        }
        if bytes[start] != UInt8(ascii: ":") { return "\(member) is not a byte sequence (no leading ':')" }
        return "not valid RFC 8941 syntax (\(words(for: error)))"
    }

    private static func words(for error: Error) -> String {
        guard let error = error as? StructuredHeaderError else { return "\(error)" }
        let known: [(StructuredHeaderError, String)] = [
            (.invalidTrailingBytes, "unexpected text after the value"), (.invalidList, "malformed list, e.g. a trailing or doubled comma"),
            (.invalidKey, "malformed parameter key"), (.invalidString, "malformed string"), (.invalidToken, "malformed token"),
            (.invalidIntegerOrDecimal, "malformed number"), (.invalidBoolean, "malformed boolean"), (.invalidInnerList, "malformed inner list"),
            (.invalidItem, "a value that is none of RFC 8941's types"), (.invalidByteSequence, "malformed byte sequence"),
        ]
        return known.first { $0.0 == error }?.1 ?? "malformed structured field"
    }

    private static func shown(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
