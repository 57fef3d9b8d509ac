/// What another proxy answered a request certmap imported from its access log
/// (`certmap import log`): the status it returned, which line said so, and what it said about
/// the client certificate. A replay shows it as "was"; certmap's own decision is "now".
public struct ObservedAnswer: Codable, Hashable, Sendable {
    /// `nginx`, `haproxy`, `caddy`, `envoy`.
    public let proxy: String
    /// The HTTP status the proxy returned.
    public let status: Int
    /// `access.log:17`: where the request was read.
    public let source: String
    /// The proxy's verdict on the client certificate as it logged it (`SUCCESS`,
    /// `FAILED:certificate has expired`, `0`), if it logs one.
    public let verify: String?
    /// Set when the line named a client certificate (its subject) without carrying it: certmap
    /// maps only from the certificate itself, so chain, revocation and mapping were not checked.
    public let certificateNotLogged: String?

    public init(proxy: String, status: Int, source: String, verify: String?, certificateNotLogged: String? = nil) {
        self.proxy = proxy
        self.status = status
        self.source = source
        self.verify = verify
        self.certificateNotLogged = certificateNotLogged
    }
}
