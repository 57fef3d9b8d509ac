import CertMapCore
import Foundation
import NIOHTTP1

/// Who an allowed request runs as, as the gateway tells the application.
struct GatewayIdentity: Sendable {
    let account: String?
    let groups: [String]
    let mapping: String?
    /// The decision code, `200` (anonymous requests too: they carry no account header).
    let decision: String
    /// Set when `forwardClientCertificate` is on and the request had a certificate.
    let certificateDER: [UInt8]?
}

/// The request head certmap sends to the application and the response head it sends back, as
/// pure functions of what arrived: no sockets, so every header rule has a unit test.
///
/// Rules (RFC 9110 §7.6.1 for hop-by-hop fields): the hop-by-hop fields and every field named in
/// `Connection` are removed both ways; `Expect` is answered by certmap itself (`100 Continue`
/// once the request is allowed), never passed on; every client-sent copy of an identity header
/// and every forwarded-certificate header is removed before certmap adds its own, so the
/// application can believe what it reads; `X-Forwarded-For`, `X-Forwarded-Proto`,
/// `X-Forwarded-Host` and `Forwarded` describe the client's hop (replaced, not appended: certmap is
/// the edge, and what a client claims about earlier hops proves nothing).
enum GatewayHeads {
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization"]

    /// The head for the upstream: HTTP/1.1, the upstream's path prefix and Host, identity added.
    static func request(
        _ head: HTTPRequestHead, upstream: UpstreamURL, identity: GatewayIdentity, names: IdentityHeaderNames, clientAddress: String,
        stripForwarded: (HTTPRequestHead) -> HTTPRequestHead
    ) -> HTTPRequestHead {
        let stripped = stripForwarded(head).headers
        let chunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        // One pass: every field certmap replaces or that ends at this hop is left out.
        var dropped = hopByHop.union(["expect", "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"])
        for (_, name) in names.all { dropped.insert(name.lowercased()) }
        for listed in head.headers[canonicalForm: "connection"] { dropped.insert(listed.lowercased()) }
        var headers = HTTPHeaders()
        headers.reserveCapacity(stripped.count + 10)
        for (name, value) in stripped where !dropped.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        let originalHost = head.headers.first(name: "host")
        headers.add(name: "Host", value: upstream.hostHeader)
        headers.add(name: "X-Forwarded-For", value: clientAddress)
        headers.add(name: "X-Forwarded-Proto", value: "https")
        if let originalHost { headers.add(name: "X-Forwarded-Host", value: originalHost) }
        let node = clientAddress.contains(":") ? "\"[\(clientAddress)]\"" : clientAddress
        headers.add(name: "Forwarded", value: "for=\(node);proto=https" + (originalHost.map { ";host=\"\(quoted($0))\"" } ?? ""))
        if let account = identity.account { headers.add(name: names.account, value: account) }
        if !identity.groups.isEmpty { headers.add(name: names.groups, value: identity.groups.joined(separator: ",")) }
        if let mapping = identity.mapping { headers.add(name: names.mapping, value: mapping.filter { $0 != "\r" && $0 != "\n" }) }
        headers.add(name: names.decision, value: identity.decision)
        if let der = identity.certificateDER { headers.add(name: names.certificate, value: ":\(Data(der).base64EncodedString()):") }
        if chunked { headers.add(name: "Transfer-Encoding", value: "chunked") }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: upstream.pathPrefix + head.uri, headers: headers)
    }

    /// The head for the client: the application's status and fields, hop-by-hop fields removed,
    /// certmap's trace and decision added, connection handling for the client's own version.
    /// - Parameter keepAlive: whether the client connection stays open after this response.
    static func response(_ head: HTTPResponseHead, clientVersion: HTTPVersion, keepAlive: Bool, traceID: String, decision: String) -> HTTPResponseHead {
        var headers = head.headers
        removeHopByHop(from: &headers)
        headers.replaceOrAdd(name: "X-CertMap-Trace", value: traceID)
        headers.replaceOrAdd(name: "X-CertMap-Decision", value: decision)
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if clientVersion == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: clientVersion, status: head.status, headers: headers)
    }

    /// Whether the client connection can stay open after this response: the client asked for it,
    /// and an HTTP/1.0 client can tell where the body ends (a length, or no body at all).
    static func clientKeepAlive(request: HTTPRequestHead, response: HTTPResponseHead) -> Bool {
        guard request.isKeepAlive else { return false }
        if request.version == .http1_0 {
            return response.headers.contains(name: "content-length") || request.method == .HEAD || response.status == .noContent || response.status == .notModified
        }
        return true
    }

    private static func removeHopByHop(from headers: inout HTTPHeaders) {
        let listed = headers[canonicalForm: "connection"].map { $0.lowercased() }
        for name in hopByHop.union(listed) { headers.remove(name: name) }
    }

    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
