/// How a synthetic client (or a replayed request) reaches the server: straight to it, through
/// the forward CONNECT proxy (TLS end to end, the server sees the proxy's address), or through
/// the TLS-terminating reverse proxy (which forwards the certificate in a header).
///
/// The raw values are the route names the server records (`RequestRecord.route`), so a
/// recorded request can be re-sent the way it came.
public enum ClientRoute: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    case direct
    case forward
    case reverse

    public var description: String { rawValue }
}
