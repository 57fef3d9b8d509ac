import CertMapCore
import NIOHTTP1

/// Turns a client's request into the request the reverse proxy sends upstream: hop-by-hop
/// headers and any forwarded-certificate headers the client sent are removed (a proxy must never
/// pass a client's own claim on), the client's certificate is added in the configured format,
/// and `Via`/`Forwarded` say a proxy was here. Pure, so it is unit-tested without sockets.
struct ForwardedRequestBuilder: Sendable {
    let format: ForwardedCertificateFormat?
    let encoder = ForwardedCertificateEncoder()

    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]

    /// Every header name any format could use, lower-cased.
    var forwardedCertificateHeaders: Set<String> {
        Set(ForwardedCertificateFormat.allCases.flatMap { $0.headerNames(settings: encoder.settings) }.map { $0.lowercased() })
    }

    /// The forwarded-certificate headers the client itself sent (which `upstreamHead` drops), in
    /// the order sent, so the proxy can report the attempt.
    func clientForwardedHeaderNames(in head: HTTPRequestHead) -> [String] {
        let names = forwardedCertificateHeaders
        var seen: Set<String> = []
        return head.headers.map(\.name).filter { names.contains($0.lowercased()) && seen.insert($0.lowercased()).inserted }
    }

    func upstreamHead(from head: HTTPRequestHead, clientPeer: String, leaf: [UInt8]?, chain: [[UInt8]]) -> HTTPRequestHead {
        var upstream = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri)
        let stripped = forwardedCertificateHeaders.union(Self.hopByHop)
        for (name, value) in head.headers where !stripped.contains(name.lowercased()) {
            upstream.headers.add(name: name, value: value)
        }
        if let format, let leaf {
            for (name, value) in encoder.headers(format: format, leaf: leaf, chain: chain) {
                upstream.headers.add(name: name, value: value)
            }
        }
        upstream.headers.add(name: "Via", value: "1.1 certmap-reverse")
        let host = clientPeer.split(separator: ":").dropLast().joined(separator: ":")
        upstream.headers.add(name: "Forwarded", value: "for=\"\(host)\";proto=https")
        return upstream
    }
}
