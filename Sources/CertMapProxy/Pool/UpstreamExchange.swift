import NIOCore
import NIOHTTP1

/// A request as the reverse proxy forwards it.
struct UpstreamRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
}

/// The server's answer, and which upstream connection carried it (its local address is the
/// `peer` the server recorded).
struct UpstreamResponse: Sendable {
    let head: HTTPResponseHead
    let body: ByteBuffer
    let upstreamLocal: String
}

/// One request/response on an upstream connection: written into the channel, answered through
/// the promise.
struct UpstreamExchange: Sendable {
    let request: UpstreamRequest
    let promise: EventLoopPromise<UpstreamResponse>
}

/// The last handler of an upstream connection: writes an exchange's request and completes its
/// promise with the response. One exchange at a time (the pool guarantees it); if the connection
/// closes first, the pending exchange fails.
final class UpstreamExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = UpstreamExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<UpstreamResponse>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private let maxBodyBytes: Int

    init(maxBodyBytes: Int = 4 * 1024 * 1024) {
        self.maxBodyBytes = maxBodyBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        pending = exchange.promise
        head = nil
        body = context.channel.allocator.buffer(capacity: 0)
        var requestHead = exchange.request.head
        requestHead.headers.replaceOrAdd(name: "Content-Length", value: "\(exchange.request.body?.readableBytes ?? 0)")
        context.write(wrapOutboundOut(.head(requestHead)), promise: nil)
        if let requestBody = exchange.request.body, requestBody.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(requestBody))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            head = responseHead
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                fail(UpstreamError.responseTooLarge)
                context.close(promise: nil)
                return
            }
            body?.writeBuffer(&chunk)
        case .end:
            guard let promise = pending, let head else { return }
            pending = nil
            let local = context.channel.localAddress.map(\.displayText) ?? "?"
            promise.succeed(UpstreamResponse(head: head, body: body ?? ByteBuffer(), upstreamLocal: local))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(UpstreamError.closedBeforeResponse)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(UpstreamError.connection("\(error)"))
        context.close(promise: nil)
    }

    private func fail(_ error: UpstreamError) {
        pending?.fail(error)
        pending = nil
    }
}

/// Why a forwarded request got no answer from the server (the client then gets 502).
enum UpstreamError: Error, Hashable, Sendable, CustomStringConvertible {
    case closedBeforeResponse
    case responseTooLarge
    case connection(String)
    case poolFull

    var description: String {
        switch self {
        case .closedBeforeResponse: return "the server closed the upstream connection before answering"
        case .responseTooLarge: return "the server's response is larger than the proxy accepts"
        case .connection(let detail): return "upstream connection failed: \(detail)"
        case .poolFull: return "too many requests are waiting for an upstream connection"
        }
    }
}
