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
/// and every forwarded-certificate header is removed before certmap adds its own — in every
/// spelling that folds to it (`HeaderNameFolding`: case, `_` for `-`), so the application can
/// believe what it reads whatever way it reads header names; `X-Forwarded-For`, `X-Forwarded-Proto`,
/// `X-Forwarded-Host` and `Forwarded` describe the client's hop (replaced, not appended: certmap is
/// the edge, and what a client claims about earlier hops proves nothing).
enum GatewayHeads {
    /// Lower-case names; request fields are compared folded (`_` as `-`) against them.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization"]
    /// Request fields certmap answers itself (`Expect`) or writes anew for the application.
    private static let replacedInRequests: Set<String> = ["expect", "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"]

    /// The head for the upstream: HTTP/1.1, the upstream's path prefix and Host, identity added.
    static func request(
        _ head: HTTPRequestHead, upstream: UpstreamURL, identity: GatewayIdentity, names: IdentityHeaderNames, clientAddress: String,
        forwardedCertificateHeaders: [String]
    ) -> HTTPRequestHead {
        let chunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        // Every field that ends at this hop, that certmap writes itself or that carries a
        // certificate is left out, in every spelling that folds to its name.
        var dropped = Set(hopByHopNames(of: head.headers).union(replacedInRequests).map(HeaderNameFolding.folded))
        for (_, name) in names.all { dropped.insert(HeaderNameFolding.folded(name)) }
        for name in forwardedCertificateHeaders { dropped.insert(HeaderNameFolding.folded(name)) }
        var headers = filtered(head.headers, dropping: dropped, room: 10, fold: true)
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
        let target = head.uri == "*" ? (upstream.pathPrefix.isEmpty ? "*" : upstream.pathPrefix) : upstream.pathPrefix + head.uri
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: target, headers: headers)
    }

    /// The head for the client: the application's status and fields, hop-by-hop fields removed,
    /// certmap's trace and decision added, connection handling for the client's own version.
    /// - Parameter keepAlive: whether the client connection stays open after this response.
    static func response(_ head: HTTPResponseHead, clientVersion: HTTPVersion, keepAlive: Bool, traceID: String, decision: String) -> HTTPResponseHead {
        var headers = filtered(head.headers, dropping: hopByHopNames(of: head.headers), room: 3)
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

    /// The hop-by-hop fields of a message, lower-cased: the fixed ones and every field its
    /// `Connection` names (RFC 9110 §7.6.1).
    private static func hopByHopNames(of headers: HTTPHeaders) -> Set<String> {
        hopByHop.union(headers[canonicalForm: "connection"].map { $0.lowercased() })
    }

    /// `headers` without the fields named in `dropping` (lower-cased; folded when `fold`), in one
    /// pass, with `room` for the fields the caller adds.
    private static func filtered(_ headers: HTTPHeaders, dropping: Set<String>, room: Int, fold: Bool = false) -> HTTPHeaders {
        var kept = HTTPHeaders()
        kept.reserveCapacity(headers.count + room)
        for (name, value) in headers where !dropping.contains(fold ? HeaderNameFolding.folded(name) : name.lowercased()) {
            kept.add(name: name, value: value)
        }
        return kept
    }

    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
