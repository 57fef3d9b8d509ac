/// The slice of RFC 8941 (Structured Field Values for HTTP) that RFC 9440 needs: an Item that is
/// a Byte Sequence (`Client-Cert`) and a List of Byte Sequences (`Client-Cert-Chain`).
///
/// Parameters, and the other bare-item types that may appear as parameter values, are parsed
/// (so a well-formed field with parameters is accepted, RFC 8941 §4.2.3.2) and then ignored.
/// Base64 is checked against the alphabet here and decoded by the caller, so the caller can name
/// the header and List member in its error.
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

    private let bytes: [UInt8]
    private var index = 0

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// Parses `text` as an Item whose bare item is a Byte Sequence; returns the base64 content.
    static func item(_ text: String) throws(Failure) -> Substring {
        var parser = Self(text)
        parser.skipSpaces()
        let content = try parser.byteSequenceMember(ordinal: nil)
        parser.skipSpaces()
        if parser.peek == UInt8(ascii: ",") { throw .listWhereItemExpected }
        guard parser.atEnd else { throw .syntax(parser.unexpected("after the byte sequence")) }
        return content
    }

    /// Parses `text` as a List whose members are Byte Sequences; returns their base64 contents.
    static func list(_ text: String) throws(Failure) -> [Substring] {
        var parser = Self(text)
        var members: [Substring] = []
        parser.skipSpaces()
        while !parser.atEnd {
            members.append(try parser.byteSequenceMember(ordinal: members.count + 1))
            parser.skipOWS()
            if parser.atEnd { break }
            guard parser.peek == UInt8(ascii: ",") else { throw .syntax(parser.unexpected("after list member \(members.count)")) }
            parser.index += 1
            parser.skipOWS()
            if parser.atEnd { throw .syntax("trailing comma after list member \(members.count)") }
        }
        return members
    }

    // MARK: - Members

    private mutating func byteSequenceMember(ordinal: Int?) throws(Failure) -> Substring {
        let name = ordinal.map { "list member \($0)" } ?? "the value"
        guard peek == UInt8(ascii: ":") else {
            if peek == UInt8(ascii: "(") { throw .syntax("\(name) is an inner list, not a byte sequence") }
            if atEnd { throw .syntax("\(name) is empty") }
            try bareItem()
            throw .syntax("\(name) is not a byte sequence (no leading ':')")
        }
        let content = try byteSequence()
        try parameters()
        return content
    }

    /// RFC 8941 §4.2.7; returns the base64 text between the colons.
    private mutating func byteSequence() throws(Failure) -> Substring {
        let start = index + 1
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: ":")) else {
            throw .syntax("missing closing ':'")
        }
        for offset in start..<end where !Self.isBase64(bytes[offset]) {
            throw .syntax(unexpected("inside the byte sequence", at: offset))
        }
        index = end + 1
        return Substring(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// RFC 8941 §4.2.3.2: `*( ";" *SP key [ "=" bare-item ] )`.
    private mutating func parameters() throws(Failure) {
        while peek == UInt8(ascii: ";") {
            index += 1
            skipSpaces()
            guard let first = peek, Self.isLowercaseAlpha(first) || first == UInt8(ascii: "*") else {
                throw .syntax(unexpected("where a parameter key should start"))
            }
            while let byte = peek, Self.isKeyCharacter(byte) { index += 1 }
            if peek == UInt8(ascii: "=") {
                index += 1
                try bareItem()
            }
        }
    }

    /// Skips any RFC 8941 bare item (§4.2.3.1), for parameter values and for naming wrong types.
    private mutating func bareItem() throws(Failure) {
        guard let first = peek else { throw .syntax("value missing at the end") }
        switch first {
        case UInt8(ascii: ":"):
            _ = try byteSequence()
        case UInt8(ascii: "\""):
            index += 1
            while let byte = peek, byte != UInt8(ascii: "\"") {
                if byte == UInt8(ascii: "\\") { index += 1 }
                guard let next = peek, (0x20...0x7E).contains(next) else { throw .syntax("unterminated string") }
                index += 1
            }
            guard peek != nil else { throw .syntax("unterminated string") }
            index += 1
        case UInt8(ascii: "?"):
            index += 1
            guard peek == UInt8(ascii: "0") || peek == UInt8(ascii: "1") else { throw .syntax(unexpected("in a boolean")) }
            index += 1
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            index += 1
            while let byte = peek, Self.isDigit(byte) || byte == UInt8(ascii: ".") { index += 1 }
        case _ where Self.isAlpha(first) || first == UInt8(ascii: "*"):
            while let byte = peek, Self.isTokenCharacter(byte) { index += 1 }
        default:
            throw .syntax(unexpected("where a value should start"))
        }
    }

    // MARK: - Characters

    private var atEnd: Bool { index >= bytes.count }
    private var peek: UInt8? { atEnd ? nil : bytes[index] }

    private mutating func skipSpaces() { while peek == UInt8(ascii: " ") { index += 1 } }
    private mutating func skipOWS() { while peek == UInt8(ascii: " ") || peek == UInt8(ascii: "\t") { index += 1 } }

    private func unexpected(_ place: String, at offset: Int? = nil) -> String {
        let offset = offset ?? index
        guard offset < bytes.count else { return "value ends \(place)" }
        let byte = bytes[offset]
        let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return "unexpected \(shown) at offset \(offset) \(place)"
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isLowercaseAlpha(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isAlpha(_ byte: UInt8) -> Bool { isLowercaseAlpha(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isKeyCharacter(_ byte: UInt8) -> Bool {
        isLowercaseAlpha(byte) || isDigit(byte) || "_-.*".utf8.contains(byte)
    }
    /// RFC 9110 tchar plus ":" and "/" (RFC 8941 §3.3.4).
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || "!#$%&'*+-.^_`|~:/".utf8.contains(byte)
    }
}
