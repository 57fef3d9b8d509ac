import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOSSL

/// One client connection of the reverse proxy: each request (one at a time; NIO's pipelining
/// handler keeps order) goes to the upstream pool with the client's certificate in a header,
/// and the server's answer comes back unchanged (X-CertMap-* included).
final class ReverseRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let pool: UpstreamPool
    private let builder: ForwardedRequestBuilder
    private let events: EventBus
    private let number: UInt64
    private let presented: PresentedCertificates
    private let maxBodyBytes: Int
    private var peer = "?"
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var refused = false

    init(pool: UpstreamPool, builder: ForwardedRequestBuilder, events: EventBus, number: UInt64, presented: PresentedCertificates, maxBodyBytes: Int = 1024 * 1024) {
        self.pool = pool
        self.builder = builder
        self.events = events
        self.number = number
        self.presented = presented
        self.maxBodyBytes = maxBodyBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(\.displayText) ?? "?"
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool.clientClosed(number)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
            refused = false
        case .body(var chunk):
            guard !refused else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                refused = true
                respond(context, status: .payloadTooLarge, text: "request body larger than \(maxBodyBytes) bytes", keepAlive: false)
                return
            }
            if body == nil { body = context.channel.allocator.buffer(capacity: chunk.readableBytes) }
            body?.writeBuffer(&chunk)
        case .end:
            guard let head, !refused else { return }
            forward(context, head: head)
        }
    }

    private func forward(_ context: ChannelHandlerContext, head: HTTPRequestHead) {
        let chain = presented.chain(fallback: try? context.pipeline.syncOperations.nioSSL_peerCertificate())
        let leaf = chain.first
        let upstreamHead = builder.upstreamHead(from: head, clientPeer: peer, leaf: leaf?.der, chain: chain.dropFirst().map(\.der))
        let claimed = builder.clientForwardedHeaderNames(in: head)
        if !claimed.isEmpty {
            let message = "reverse proxy removed forwarded-certificate header(s) \(claimed.joined(separator: ", ")) sent by client r\(number); the server receives only the certificate this client presented in TLS (\(leaf?.subject.rfc2253 ?? "none"))"
            events.publish(.security(SecurityEvent(category: .spoof, connection: nil, peer: peer, message: message)))
        }
        let keepAlive = head.isKeepAlive
        let hop = { (upstreamLocal: String?) in
            ProxyHop(
                proxy: .reverse, action: .forwarded, clientConnection: self.number, clientPeer: self.peer, upstreamLocal: upstreamLocal,
                method: head.method.rawValue, path: head.uri, clientCertificate: leaf?.subject.rfc2253,
                forwardedFormat: leaf == nil ? "none" : (self.builder.format?.rawValue ?? "none"))
        }
        pool.send(UpstreamRequest(head: upstreamHead, body: body), for: number, on: context.eventLoop)
            .assumeIsolated().whenComplete { result in
                switch result {
                case .success(let response):
                    self.events.publish(.proxyHop(hop(response.upstreamLocal)))
                    self.relay(context, response: response, version: head.version, keepAlive: keepAlive)
                case .failure(let error):
                    self.events.publish(.proxyHop(hop(nil)))
                    let status: HTTPResponseStatus = (error as? UpstreamError) == .poolFull ? .serviceUnavailable : .badGateway
                    self.respond(context, status: status, text: "certmap reverse proxy: \(error)", keepAlive: keepAlive)
                }
            }
    }

    private func relay(_ context: ChannelHandlerContext, response: UpstreamResponse, version: HTTPVersion, keepAlive: Bool) {
        var head = HTTPResponseHead(version: version, status: response.head.status)
        for (name, value) in response.head.headers where !ForwardedRequestBuilder.hopByHop.contains(name.lowercased()) && name.lowercased() != "content-length" {
            head.headers.add(name: name, value: value)
        }
        head.headers.add(name: "Content-Length", value: "\(response.body.readableBytes)")
        head.headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        write(context, head: head, body: response.body, keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, text: String, keepAlive: Bool) {
        let body = ByteBuffer(string: text + "\n")
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        head.headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        head.headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        write(context, head: head, body: body, keepAlive: keepAlive)
    }

    private func write(_ context: ChannelHandlerContext, head: HTTPResponseHead, body: ByteBuffer, keepAlive: Bool) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
