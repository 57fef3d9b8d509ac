import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// One client connection of the forward proxy: reads `CONNECT host:port`, refuses anything else
/// with a reason (405, 403, 503), connects to the upstream from the outbound address, answers
/// `200 Connection established`, then steps aside for a byte-for-byte tunnel (`GlueHandler`).
final class TunnelRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let decoderName = "forward-proxy-http-decoder"
    static let encoderName = "forward-proxy-http-encoder"

    private enum State {
        case idle
        case accepted
        case connecting(pending: [NIOAny])
        case refusing
        case tunnelling
    }

    private var state = State.idle
    private let settings: ForwardProxySettings
    private let events: EventBus
    private let number: UInt64
    private var peer = "?"

    init(settings: ForwardProxySettings, events: EventBus, number: UInt64) {
        self.settings = settings
        self.events = events
        self.number = number
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(\.displayText) ?? "?"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .idle:
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            guard head.method == .CONNECT else {
                refuse(context, .methodNotAllowed, "certmap's forward proxy only tunnels: send CONNECT \(settings.upstream)")
                return
            }
            guard settings.admits(head.uri) else {
                refuse(context, .forbidden, "CONNECT \(head.uri) refused: this proxy only tunnels to the certmap server at \(settings.upstream)")
                return
            }
            state = .accepted
        case .accepted:
            if case .end = unwrapInboundIn(data) { connect(context) }
        case .connecting(var pending):
            pending.append(data)
            state = .connecting(pending: pending)
        case .refusing, .tunnelling:
            break
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ reason: String) {
        state = .refusing
        events.publish(.proxyHop(ProxyHop(proxy: .forward, action: .refused, clientConnection: number, clientPeer: peer, detail: reason)))
        let body = reason + "\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func connect(_ context: ChannelHandlerContext) {
        state = .connecting(pending: [])
        let bootstrap: ClientBootstrap
        do {
            bootstrap = ClientBootstrap(group: context.eventLoop)
                .connectTimeout(.seconds(settings.connectTimeoutSeconds))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(to: try SocketAddress(ipAddress: settings.outboundHost, port: 0))
        } catch {
            refuse(context, .serviceUnavailable, "the outbound address \(settings.outboundHost) is not an IP address")
            return
        }
        bootstrap.connect(host: settings.upstream.host, port: settings.upstream.port)
            .hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let upstream):
                    self.established(context, upstream: upstream)
                case .failure(let error):
                    self.refuse(context, .badGateway, "cannot reach the certmap server at \(self.settings.upstream): \(error)")
                }
            }
    }

    private func established(_ context: ChannelHandlerContext, upstream: Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .custom(code: 200, reasonPhrase: "Connection established"), headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let upstreamLocal = upstream.localAddress.map(\.displayText) ?? "?"
        events.publish(.proxyHop(ProxyHop(proxy: .forward, action: .tunnelOpened, clientConnection: number, clientPeer: peer, upstreamLocal: upstreamLocal)))
        do {
            let pipeline = context.pipeline.syncOperations
            // Removing the decoder hands any bytes it holds (the start of the client's TLS
            // handshake) to this handler, which queues them for the upstream.
            pipeline.removeHandler(name: Self.encoderName, promise: nil)
            pipeline.removeHandler(name: Self.decoderName, promise: nil)
            let events = self.events
            let number = self.number
            let peer = self.peer
            let (client, server) = GlueHandler.matchedPair { bytes in
                events.publish(.proxyHop(ProxyHop(proxy: .forward, action: .tunnelClosed, clientConnection: number, clientPeer: peer, upstreamLocal: upstreamLocal, bytes: bytes)))
            }
            try pipeline.addHandler(client)
            try upstream.pipeline.syncOperations.addHandler(server)
            if case .connecting(let pending) = state {
                for data in pending { upstream.write(data, promise: nil) }
                upstream.flush()
            }
            state = .tunnelling
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            upstream.close(promise: nil)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if case .idle = state {
            refuse(context, .badRequest, "not an HTTP CONNECT request: \(error)")
        } else {
            context.close(promise: nil)
        }
    }
}
