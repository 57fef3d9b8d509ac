import CertMapCore
import NIOHTTP1
import XCTest

@testable import CertMapServer

/// The heads certmap sends the application and the client, as pure functions (no sockets).
final class GatewayHeadsTests: XCTestCase {
    private let upstream = UpstreamURL(scheme: .http, host: "127.0.0.1", port: 8000, pathPrefix: "/app")
    private let alice = GatewayIdentity(account: "alice", groups: ["eng", "admins"], mapping: "one-to-one \"alice\"", decision: "200", certificateDER: nil)

    private func request(_ headers: [(String, String)], version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: "/x?y=1", headers: HTTPHeaders(headers))
    }

    func testClientCopiesOfIdentityAndForwardingHeadersAreReplacedAndHopByHopFieldsRemoved() {
        let head = GatewayHeads.request(
            request([
                ("Host", "certmap.example:8443"), ("x-certmap-account", "root"), ("X-CERTMAP-GROUPS", "admins"), ("X-CertMap-Decision", "200"),
                ("X-CertMap-Mapping", "forged"), ("Client-Cert", ":AAAA:"), ("X-Forwarded-For", "10.0.0.1"), ("Forwarded", "for=10.0.0.1"),
                ("Connection", "keep-alive, X-Hop"), ("X-Hop", "1"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Upgrade", "h2c"),
                ("Expect", "100-continue"), ("Transfer-Encoding", "chunked"), ("Accept", "*/*"),
            ]),
            upstream: upstream, identity: alice, names: IdentityHeaderNames(), clientAddress: "127.0.0.5", forwardedCertificateHeaders: ForwardedHeaderSettings().allHeaderNames)
        XCTAssertEqual(head.uri, "/app/x?y=1")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers["Host"], ["127.0.0.1:8000"])
        XCTAssertEqual(head.headers["X-CertMap-Account"], ["alice"])
        XCTAssertEqual(head.headers["X-CertMap-Groups"], ["eng,admins"])
        XCTAssertEqual(head.headers["X-CertMap-Decision"], ["200"])
        XCTAssertEqual(head.headers["X-CertMap-Mapping"], ["one-to-one \"alice\""])
        XCTAssertEqual(head.headers["Client-Cert"], [], "no certificate is passed on unless asked")
        XCTAssertEqual(head.headers["X-Forwarded-For"], ["127.0.0.5"])
        XCTAssertEqual(head.headers["X-Forwarded-Host"], ["certmap.example:8443"])
        XCTAssertEqual(head.headers["Forwarded"], ["for=127.0.0.5;proto=https;host=\"certmap.example:8443\""])
        for gone in ["Connection", "X-Hop", "Keep-Alive", "TE", "Upgrade", "Expect"] {
            XCTAssertEqual(head.headers[gone], [], gone)
        }
        XCTAssertEqual(head.headers["Transfer-Encoding"], ["chunked"], "the body's framing is kept")
        XCTAssertEqual(head.headers["Accept"], ["*/*"])
    }

    func testRenamedIdentityHeadersStripTheirOwnNamesAndTheCertificateIsRFC9440() {
        var names = IdentityHeaderNames()
        names.account = "X-User"
        let identity = GatewayIdentity(account: "bob", groups: [], mapping: nil, decision: "200", certificateDER: [0x30, 0x03, 0x02, 0x01, 0x01])
        let head = GatewayHeads.request(
            request([("x-user", "root"), ("X-CertMap-Account", "kept: not ours under this name")]), upstream: upstream, identity: identity, names: names,
            clientAddress: "::1", forwardedCertificateHeaders: ForwardedHeaderSettings().allHeaderNames)
        XCTAssertEqual(head.headers["X-User"], ["bob"])
        XCTAssertEqual(head.headers["X-CertMap-Groups"], [])
        XCTAssertEqual(head.headers["Client-Cert"], [":MAMCAQE=:"])
        XCTAssertEqual(head.headers["Forwarded"], ["for=\"[::1]\";proto=https"])
    }

    func testTheResponseKeepsTheAppsFieldsDropsHopByHopOnesAndSaysHowTheConnectionGoesOn() {
        let app = HTTPResponseHead(version: .http1_1, status: .created, headers: HTTPHeaders([
            ("Content-Length", "2"), ("Connection", "keep-alive, X-Internal"), ("X-Internal", "1"), ("Keep-Alive", "timeout=5"), ("X-App", "yes"),
        ]))
        let kept = GatewayHeads.response(app, clientVersion: .http1_1, keepAlive: true, traceID: "t-9", decision: "200")
        XCTAssertEqual(kept.status, .created)
        XCTAssertEqual(kept.headers["X-App"], ["yes"])
        XCTAssertEqual(kept.headers["Content-Length"], ["2"])
        XCTAssertEqual(kept.headers["X-CertMap-Trace"], ["t-9"])
        XCTAssertEqual(kept.headers["Connection"], [])
        XCTAssertEqual(kept.headers["X-Internal"], [])
        let closing = GatewayHeads.response(app, clientVersion: .http1_0, keepAlive: false, traceID: "t-9", decision: "200")
        XCTAssertEqual(closing.version, .http1_0)
        XCTAssertEqual(closing.headers["Connection"], ["close"])
    }

    func testAnHTTP10ClientKeepsItsConnectionOnlyWhenItCanTellWhereTheBodyEnds() {
        let old = HTTPRequestHead(version: .http1_0, method: .GET, uri: "/", headers: HTTPHeaders([("Connection", "keep-alive")]))
        let sized = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("Content-Length", "3")]))
        let streamed = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("Transfer-Encoding", "chunked")]))
        XCTAssertTrue(GatewayHeads.clientKeepAlive(request: old, response: sized))
        XCTAssertFalse(GatewayHeads.clientKeepAlive(request: old, response: streamed))
        let modern = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders())
        XCTAssertTrue(GatewayHeads.clientKeepAlive(request: modern, response: streamed))
    }
}
