import NIOCore

/// The client side of `CONNECT`: sends the request, waits for the proxy's response head, and
/// completes with success on `200`, or the proxy's status line as an error. Then it steps aside
/// so TLS can start on the same connection.
final class TunnelPreambleHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: String
    private let done: EventLoopPromise<Void>
    private var received = ""
    private var finished = false

    init(target: String, done: EventLoopPromise<Void>) {
        self.target = target
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        let request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\nUser-Agent: certmap-synthetic-client\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        guard let end = received.range(of: "\r\n\r\n") else {
            if received.utf8.count > 16_384 { finish(.failure(TunnelRefused(statusLine: "response head too large"))) }
            return
        }
        let statusLine = String(received[..<end.lowerBound].prefix { $0 != "\r" })
        if statusLine.split(separator: " ").dropFirst().first == "200" {
            finish(.success(()))
        } else {
            finish(.failure(TunnelRefused(statusLine: statusLine)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(TunnelRefused(statusLine: "the proxy closed the connection")))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }
}

/// The forward proxy did not open the tunnel.
struct TunnelRefused: Error, CustomStringConvertible {
    let statusLine: String
    var description: String { "CONNECT refused: \(statusLine)" }
}
