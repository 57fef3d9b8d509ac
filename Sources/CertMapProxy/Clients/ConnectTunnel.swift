import NIOCore
import NIOExtras
import NIOHTTP1

/// The client side of `CONNECT` for the synthetic clients, by swift-nio-extras'
/// `NIOHTTP1ProxyConnectHandler`: an HTTP/1 codec and the handler ask the forward proxy for a
/// tunnel; once it answers 2xx they step aside (`open`) so TLS starts on the same connection.
/// A refusal names the proxy's status line (`CONNECT refused: HTTP/1.1 403 Forbidden`).
enum ConnectTunnel {
    /// The HTTP handlers' names, removed when the tunnel is open (the connect handler removes itself).
    private static let names = ["tunnel-encoder", "tunnel-decoder", "tunnel-head"]

    /// Adds the CONNECT handlers for `host:port`; `done` completes when the proxy answered
    /// (fails with `TunnelRefused` or a timeout past `deadline`).
    static func add(to channel: Channel, host: String, port: Int, deadline: NIODeadline, done: EventLoopPromise<Void>) throws {
        let sync = channel.pipeline.syncOperations
        let head = ResponseHeadRecorder()
        let result = channel.eventLoop.makePromise(of: Void.self)
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "certmap-synthetic-client")
        try sync.addHandler(HTTPRequestEncoder(), name: names[0])
        try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)), name: names[1])
        try sync.addHandler(head, name: names[2])
        try sync.addHandler(NIOHTTP1ProxyConnectHandler(targetHost: host, targetPort: port, headers: headers, deadline: deadline, promise: result))
        result.futureResult.assumeIsolated().whenComplete { outcome in
            switch outcome {
            case .success: done.succeed(())
            case .failure(let error): done.fail(describe(error, head: head.statusLine))
            }
        }
    }

    /// Removes the CONNECT handlers once the tunnel is open; TLS may be added when this completes
    /// (a removal can take a turn of the event loop, and TLS bytes must not meet the HTTP encoder).
    static func open(_ channel: Channel) -> EventLoopFuture<Void> {
        let removals = names.reversed().map { channel.pipeline.removeHandler(name: $0) }
        return EventLoopFuture.andAllSucceed(removals, on: channel.eventLoop)
    }

    private static func describe(_ error: Error, head statusLine: String?) -> Error {
        guard let error = error as? NIOHTTP1ProxyConnectHandler.Error else { return error }
        switch error {
        case .invalidProxyResponseHead(HTTPResponseHead(version: .http1_1, status: .ok)), .proxyAuthenticationRequired():
            return TunnelRefused(statusLine: statusLine ?? "no status line")
        case .httpProxyHandshakeTimeout():
            return SyntheticClientError.timeout("the forward proxy did not answer CONNECT in time")
        case .remoteConnectionClosed(), .channelUnexpectedlyInactive():
            return TunnelRefused(statusLine: "the proxy closed the connection")
        default:
            return TunnelRefused(statusLine: statusLine ?? "\(error)")
        }
    }
}

/// Keeps the proxy's response status line for the refusal message (the connect handler's error
/// does not expose it).
private final class ResponseHeadRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    private(set) var statusLine: String?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            statusLine = "HTTP/\(head.version.major).\(head.version.minor) \(head.status.code) \(head.status.reasonPhrase)"
        }
        context.fireChannelRead(data)
    }
}

/// The forward proxy did not open the tunnel.
struct TunnelRefused: Error, CustomStringConvertible {
    let statusLine: String
    var description: String { "CONNECT refused: \(statusLine)" }
}
