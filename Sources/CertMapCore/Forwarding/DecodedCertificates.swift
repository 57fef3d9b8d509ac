/// A leaf and its chain as one format decoder read them, before the parser adds provenance.
struct DecodedCertificates {
    var leaf: CertificateIdentity
    var chain: [CertificateIdentity]
    /// For XFCC, which element of the header the certificate came from.
    var element: XFCCElementPosition? = nil
}

/// Which element of an `X-Forwarded-Client-Cert` value a certificate was read from: the
/// rightmost (`index == count`) is the one the nearest proxy appended, the only one believed.
/// Recorded so a trace can say "element 3 of 3" when a chain of proxies each appended one.
public struct XFCCElementPosition: Hashable, Sendable, Codable {
    /// 1-based, counted from the left.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `element 3 of 3 (the rightmost, appended by the nearest proxy)`.
    public var text: String {
        index == count && count > 1
            ? "element \(index) of \(count) (the rightmost, appended by the nearest proxy; the others are not believed)"
            : "element \(index) of \(count)"
    }
}
