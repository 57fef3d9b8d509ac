/// Decoding helpers that make configuration mistakes loud and precise.
///
/// A typo such as `"subfeild"` must not be silently ignored (the rule would then match nothing
/// or everything), so every config object rejects keys it does not know, and enum-like strings
/// are checked with an error that lists the accepted values. Public so other file formats
/// (scenario files) are held to the same standard.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws when the object has keys other than `allowed`, naming the unknown key and the valid ones.
    public func rejectUnknownKeys(allowed: [String]) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "unknown field \"\(key.stringValue)\"; expected one of \(allowed.joined(separator: ", "))"
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a string-backed enum, failing with the accepted values spelled out.
    public func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T where T.RawValue == String {
        let raw = try decode(String.self, forKey: key)
        guard let value = T(rawValue: raw) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "unknown \"\(raw)\"; expected one of \(choices)")
        }
        return value
    }

    public func decodeChoiceIfPresent<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T? where T.RawValue == String {
        try contains(key) ? decodeChoice(type, forKey: key) : nil
    }
}
