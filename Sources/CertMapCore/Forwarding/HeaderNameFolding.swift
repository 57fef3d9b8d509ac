/// Header names as the most permissive reader of them sees them: ASCII case ignored and `_` read
/// as `-`. CGI-style environments (`HTTP_X_CERTMAP_ACCOUNT`), PHP, WSGI and some frameworks fold
/// both, so `X_CertMap_Account` from a client reaches such an application as certmap's own
/// identity header. Whatever certmap strips to protect a header name, it strips in every spelling
/// that folds to it.
public enum HeaderNameFolding {
    /// `name` lower-cased with every `_` turned into `-`.
    public static func folded(_ name: String) -> String {
        String(decoding: name.utf8.map(fold), as: UTF8.self)
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte | 0x20
        case UInt8(ascii: "_"): return UInt8(ascii: "-")
        default: return byte
        }
    }
}
