import X509

/// How certmap writes and reads certificate serial numbers as text: upper-case hex without
/// separators ("3F2A..."), accepting colons, spaces, a 0x prefix, leading zeros and any case on
/// input, because operators paste serials from `openssl x509 -serial`, browsers and IIS alike.
public enum SerialNumberText {
    /// Upper-case hex of the serial's significant bytes, e.g. "3F2A01".
    public static func hex(_ serial: Certificate.SerialNumber) -> String {
        hex(serial.bytes)
    }

    static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let significant = bytes.drop { $0 == 0 }
        guard !significant.isEmpty else { return "00" }
        return significant.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The canonical form of a user-typed serial, or nil when it is not hex.
    public static func normalized(_ text: String) -> String? {
        var cleaned = text.filter { $0 != ":" && $0 != " " }.uppercased()
        if cleaned.hasPrefix("0X") { cleaned.removeFirst(2) }
        guard !cleaned.isEmpty, cleaned.allSatisfy(\.isHexDigit) else { return nil }
        let trimmed = cleaned.drop { $0 == "0" }
        guard !trimmed.isEmpty else { return "00" }
        return trimmed.count % 2 == 1 ? "0" + trimmed : String(trimmed)
    }
}
