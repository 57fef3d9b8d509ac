import CertMapCore
import CertMapJournal
import NIOCore
import NIOEmbedded
import NIOHTTP1
import XCTest

@testable import CertMapServer

/// The request handler alone, driven through an `EmbeddedChannel`: no sockets, no TLS, so the
/// HTTP side of the pipeline (keep-alive, headers, limits, forwarded-header screening) is pinned fast.
final class RequestAuthenticationHandlerTests: XCTestCase {
    private var home: DataHome!

    override func setUpWithError() throws {
        home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-handler-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home.url)
    }

    private static let forwarder = ProxyTrust.PeerRole(proxied: true, forwarder: "test forwarder", certificateIsForwarderIdentity: true, forwarderIsWeak: false)
    private static let proxiedAddress = ProxyTrust.PeerRole(proxied: true, forwarder: nil, certificateIsForwarderIdentity: false, forwarderIsWeak: false)

    private func makeChannel(role: ProxyTrust.PeerRole = .direct, limits: ServerLimits = ServerLimits()) throws -> (EmbeddedChannel, AuthenticationService) {
        let configuration = LiveConfiguration(try ConfigStore(home: home).loadSnapshot())
        let service = AuthenticationService(configuration: configuration, home: home, events: EventBus())
        let channel = EmbeddedChannel(handler: RequestAuthenticationHandler(service: service, limits: limits, gateway: nil))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.9", port: 4000)).wait()
        XCTAssertTrue(channel.isActive)
        // What the lifecycle handler sends once the handshake is done.
        channel.pipeline.fireUserInboundEventTriggered(ConnectionEstablished(info: ConnectionInfo(id: 1, peer: "127.0.0.9:4000", role: role, presented: [])))
        return (channel, service)
    }

    private func send(_ channel: EmbeddedChannel, _ uri: String, version: HTTPVersion = .http1_1, headers: [(String, String)] = [], body: Int = 0) throws -> (HTTPResponseHead, String) {
        var head = HTTPRequestHead(version: version, method: body > 0 ? .POST : .GET, uri: uri)
        head.headers.add(name: "Host", value: "localhost")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        if body > 0 {
            try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(repeating: 0x41, count: body)))
        }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let response)? = try channel.readOutbound(as: HTTPServerResponsePart.self),
            case .body(.byteBuffer(let buffer))? = try channel.readOutbound(as: HTTPServerResponsePart.self),
            case .end? = try channel.readOutbound(as: HTTPServerResponsePart.self)
        else {
            throw IncompleteResponse(uri: uri)
        }
        return (response, String(buffer: buffer))
    }

    func testRequestWithoutCertificateOnARequirePathGets403Point7WithHeaders() throws {
        let (channel, _) = try makeChannel()
        let (head, body) = try send(channel, "/")
        XCTAssertEqual(head.status.code, 403)
        XCTAssertEqual(head.headers["X-CertMap-Decision"].first, "403.7")
        XCTAssertEqual(head.headers["X-CertMap-Reason"].first, "certificateRequired")
        XCTAssertEqual(head.headers["Content-Length"].first, String(body.utf8.count))
        XCTAssertTrue(head.headers["X-CertMap-Trace"].first?.hasPrefix("t-") ?? false)
        XCTAssertTrue(head.headers["X-CertMap-Account"].isEmpty)
        XCTAssertTrue(body.hasPrefix("403.7: client certificate required but none was presented"), body)
    }

    func testAnonymousPathIsServedAndHTTP10KeepAliveIsAnswered() throws {
        let (channel, _) = try makeChannel()
        let (head, _) = try send(channel, "/public/a", version: .http1_0, headers: [("Connection", "keep-alive")])
        XCTAssertEqual(head.status.code, 200)
        XCTAssertEqual(head.headers["X-CertMap-Reason"].first, "anonymous")
        XCTAssertEqual(head.headers["Connection"].first, "keep-alive")
        XCTAssertTrue(channel.isActive)
    }

    func testConnectionCloseRequestClosesAfterTheResponse() throws {
        let (channel, _) = try makeChannel()
        let (head, _) = try send(channel, "/public/a", headers: [("Connection", "close")])
        XCTAssertEqual(head.headers["Connection"].first, "close")
        channel.embeddedEventLoop.run()
        XCTAssertFalse(channel.isActive)
    }

    func testEveryRequestPublishesOneRecordCarryingItsResetSourceAndRespondSteps() throws {
        let (channel, service) = try makeChannel()
        _ = try send(channel, "/")
        _ = try send(channel, "/public/x")
        // One event per request: the record, its steps inside.
        XCTAssertFalse(service.events.recent().contains { if case .authStep = $0.kind { true } else { false } })
        let steps = service.events.recent().flatMap { event -> [AuthStep] in
            guard case .request(let record) = event.kind else { return [] }
            return record.decision.trace.steps.map { AuthStep(connection: record.connection, request: record.request, step: $0, mode: record.mode) }
        }
        for request in 1...2 {
            let stages = steps.filter { $0.request == request }.map(\.step.stage)
            XCTAssertEqual(stages.first, .reset)
            XCTAssertTrue(stages.contains(.source))
            XCTAssertTrue(stages.contains(.respond))
        }
        let records = service.events.recent().compactMap { event -> RequestRecord? in
            if case .request(let record) = event.kind { return record }
            return nil
        }
        XCTAssertEqual(records.map(\.request), [1, 2])
        XCTAssertEqual(records.map(\.decision.statusText), ["403.7", "200"])
    }

    func testForgedHeaderFromAPeerThatIsNoForwarderIsReportedAndIgnored() throws {
        for role in [ProxyTrust.PeerRole.direct, Self.proxiedAddress] {
            let (channel, service) = try makeChannel(role: role)
            let (head, _) = try send(channel, "/", headers: [("Client-Cert", ":AAAA:")])
            XCTAssertEqual(head.headers["X-CertMap-Decision"].first, "403.7", "\(role)")
            XCTAssertTrue(service.events.recent().contains {
                if case .security(let security) = $0.kind { return security.category == .spoof && security.message.contains("Client-Cert") }
                return false
            }, "\(role)")
        }
    }

    func testMalformedHeaderFromAForwarderGets400NamingTheHeader() throws {
        let (channel, _) = try makeChannel(role: Self.forwarder)
        let (head, body) = try send(channel, "/", headers: [("Client-Cert", "not-a-byte-sequence")])
        XCTAssertEqual(head.status, .badRequest)
        XCTAssertTrue(body.contains("Client-Cert"), body)
    }

    func testOversizedBodyGets413AndTheConnectionCloses() throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 10
        let (channel, _) = try makeChannel(limits: limits)
        let (head, _) = try send(channel, "/public/upload", body: 11)
        XCTAssertEqual(head.status, .payloadTooLarge)
        XCTAssertEqual(head.headers["Connection"].first, "close")
    }

    func testProxyIndicationComesFromThePeersRoleOrTheProxyHeaders() {
        var headers = HTTPHeaders()
        XCTAssertFalse(ProxyIndication(role: .direct, requestHeaders: headers).isProxied)
        XCTAssertTrue(ProxyIndication(role: Self.proxiedAddress, requestHeaders: headers).isProxied)
        XCTAssertEqual(ProxyIndication(role: Self.proxiedAddress, requestHeaders: headers).route, "forward")
        XCTAssertEqual(ProxyIndication(role: Self.forwarder, requestHeaders: headers).route, "reverse")
        headers.add(name: "X-Forwarded-For", value: "10.1.2.3")
        let byHeader = ProxyIndication(role: .direct, requestHeaders: headers)
        XCTAssertTrue(byHeader.isProxied)
        XCTAssertEqual(byHeader.explanation, "proxied: the request carries x-forwarded-for")
    }
}

/// The handler did not write a complete head/body/end response.
private struct IncompleteResponse: Error, CustomStringConvertible {
    let uri: String
    var description: String { "no complete response was written for \(uri)" }
}
