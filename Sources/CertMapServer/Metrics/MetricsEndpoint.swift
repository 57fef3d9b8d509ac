import CertMapCore
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// `certmap serve --metrics ADDR`: plain HTTP, `GET /metrics` answers `ServerMetrics` in
/// Prometheus' text format; anything else gets 404 saying where the metrics are. Meant for a
/// loopback or management address (it carries no secrets, only counts).
public final class MetricsEndpoint: Sendable {
    private let channel: Channel
    /// The address actually bound.
    public let boundAddress: ListenAddress

    private init(channel: Channel, boundAddress: ListenAddress) {
        self.channel = channel
        self.boundAddress = boundAddress
    }

    public static func start(metrics: ServerMetrics, listen: ListenAddress, group: EventLoopGroup) async throws -> MetricsEndpoint {
        let bootstrap = ServerBootstrap.listener(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(metrics: metrics))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: listen.host, port: listen.port).get()
        } catch {
            throw ServerError.bind(address: listen.description, detail: BindProblem.describe(error, address: listen.description, option: "--metrics"))
        }
        let port = channel.localAddress?.port ?? listen.port
        return MetricsEndpoint(channel: channel, boundAddress: ListenAddress(host: channel.localAddress?.ipAddress ?? listen.host, port: port))
    }

    public func stop() async {
        try? await channel.close()
    }
}

/// Answers one scrape per request.
private final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: ServerMetrics
    private var head: HTTPRequestHead?

    init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let found = head.method == .GET && path == "/metrics"
            let body = found ? metrics.exposition() : Array("not found: the metrics are at GET /metrics\n".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.count))
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: found ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }
}
