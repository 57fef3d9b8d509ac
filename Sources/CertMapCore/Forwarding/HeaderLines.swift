/// Request header lines grouped by case-insensitive name (RFC 9110 §5.1), order preserved.
struct HeaderLines {
    private var valuesByName: [String: [String]] = [:]

    init(_ headers: [(name: String, value: String)]) {
        for header in headers {
            valuesByName[header.name.lowercased(), default: []].append(header.value)
        }
    }

    /// Every value of `name`, in the order they appeared; empty when the header is absent.
    func values(named name: String) -> [String] { valuesByName[name.lowercased()] ?? [] }

    func contains(_ name: String) -> Bool { valuesByName[name.lowercased()] != nil }
}

/// Enforces `ForwardedHeaderSettings.maxHeaderValueBytes` before any decoding work is done.
func checkLength(_ value: String, header: String, limit: Int) throws(ForwardedHeaderError) {
    let bytes = value.utf8.count
    if bytes > limit { throw .valueTooLong(header: header, bytes: bytes, limit: limit) }
}
