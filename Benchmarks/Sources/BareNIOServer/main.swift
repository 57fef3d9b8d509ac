// The honest ceiling for certmap's stack on this machine: a SwiftNIO + NIOSSL server that
// requires and verifies a client certificate and answers every request with one fixed 146-byte
// body, keep-alive honoured, and does nothing else.
//
//   bare-nio-server PORT SERVER.CRT SERVER.KEY CA-BUNDLE.PEM
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PeerSupport

let peer = try PeerArguments.parse(peer: "bare-nio-server")
let context = try NIOSSLContext(configuration: peer.tls)

/// Answers every request with the same head and body.
final class FixedAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    static let body = PeerArguments.body
    private var keepAlive = true
    private var version = HTTPVersion.http1_1

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            version = head.version
        case .body:
            break
        case .end:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: String(Self.body.utf8.count))
            // As nginx and certmap answer: an HTTP/1.0 client (ab) keeps the connection only when told so.
            if !keepAlive {
                headers.add(name: "Connection", value: "close")
            } else if version == .http1_0 {
                headers.add(name: "Connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: Self.body)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
        }
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(NIOSSLServerHandler(context: context))
            try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
            try sync.addHandler(FixedAnswer())
        }
    }
    .bind(host: "127.0.0.1", port: peer.port).wait()
print("bare-nio-server listening on \(channel.localAddress!)")
try channel.closeFuture.wait()
