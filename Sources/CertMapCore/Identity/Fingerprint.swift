import Crypto

/// A digest of a certificate's DER encoding.
///
/// Fingerprints are how one-to-one mappings name "exactly this certificate" (IIS stores the whole
/// DER; a SHA-256 of it identifies it just as well). A dictionary of 100k of them finds one per
/// request, so a fingerprint hashes its bytes in one call (`hash(into:)`), not byte by byte.
public struct Fingerprint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw digest bytes (20 for SHA-1, 32 for SHA-256).
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// SHA-256 of `der`.
    public static func sha256(of der: some Sequence<UInt8>) -> Fingerprint {
        Fingerprint(bytes: Array(SHA256.hash(data: Array(der))))
    }

    /// SHA-1 of `der`; shown for operators whose tools (IIS, Windows certmgr) still display it.
    public static func sha1(of der: some Sequence<UInt8>) -> Fingerprint {
        Fingerprint(bytes: Array(Insecure.SHA1.hash(data: Array(der))))
    }

    /// Parses hex with or without `:` separators, case-insensitive (as `openssl x509 -fingerprint` prints it).
    public init?(hex: String) {
        var bytes: [UInt8] = []
        var pending: UInt8?
        for scalar in hex.unicodeScalars where scalar != ":" && scalar != " " {
            guard let nibble = scalar.hexNibble else { return nil }
            if let high = pending {
                bytes.append(high << 4 | nibble)
                pending = nil
            } else {
                pending = nibble
            }
        }
        guard pending == nil, bytes.count == 20 || bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Uppercase hex without separators, e.g. `3FA2…`.
    public var hex: String { bytes.hexString(separator: "") }

    /// Uppercase hex with `:` separators, the way openssl prints fingerprints.
    public var colonHex: String { bytes.hexString(separator: ":") }

    public var description: String { colonHex }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

extension Unicode.Scalar {
    var hexNibble: UInt8? {
        switch value {
        case 0x30...0x39: return UInt8(value - 0x30)
        case 0x41...0x46: return UInt8(value - 0x41 + 10)
        case 0x61...0x66: return UInt8(value - 0x61 + 10)
        default: return nil
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Uppercase hex digits of the bytes joined by `separator`.
    ///
    /// Written straight into one UTF-8 buffer: fingerprints are printed into every decision's
    /// trace, and building a `String` per byte and joining them dominated the decision time.
    func hexString(separator: String) -> String {
        let bytes = Array(self)
        guard !bytes.isEmpty else { return "" }
        let separatorUTF8 = Array(separator.utf8)
        let capacity = bytes.count * 2 + (bytes.count - 1) * separatorUTF8.count
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var cursor = 0
            for (index, byte) in bytes.enumerated() {
                if index > 0 {
                    for unit in separatorUTF8 {
                        buffer[cursor] = unit
                        cursor += 1
                    }
                }
                buffer[cursor] = hexDigitsUTF8[Int(byte >> 4)]
                buffer[cursor + 1] = hexDigitsUTF8[Int(byte & 0x0F)]
                cursor += 2
            }
            return cursor
        }
    }
}

/// `0`…`9`, `A`…`F` as UTF-8 code units.
private let hexDigitsUTF8: [UInt8] = Array("0123456789ABCDEF".utf8)
