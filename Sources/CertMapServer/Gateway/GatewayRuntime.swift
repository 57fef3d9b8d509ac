import CertMapCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What gateway mode shares across connections: the upstream chosen on the command line, the TLS
/// context for https upstreams, and the idle keep-alive connections to each upstream, kept per
/// event loop so a request and its upstream connection never cross threads.
public final class GatewayRuntime: Sendable {
    /// `certmap serve --upstream URL`: wins over `server.gateway.upstream` (a resource's own
    /// `upstream` still wins for its paths).
    public let upstreamOverride: UpstreamURL?
    private let tls: NIOSSLContext?
    private let serverName: String?
    private let idle: NIOLockedValueBox<[IdleKey: [Channel]]>

    private struct IdleKey: Hashable {
        let loop: ObjectIdentifier
        let upstream: UpstreamURL
    }

    /// - Throws: `ServerError.tls` when the upstream CA bundle or client certificate cannot be loaded.
    public init(upstreamOverride: UpstreamURL?, settings: GatewaySettings, home: DataHome) throws {
        self.upstreamOverride = upstreamOverride
        self.serverName = settings.upstreamServerName
        self.idle = NIOLockedValueBox([:])
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let bundle = settings.upstreamCABundle {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(home.resolve(bundle).path))
            }
            if let certificate = settings.upstreamCertificate, let key = settings.upstreamPrivateKey {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(home.resolve(certificate).path).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: home.resolve(key).path, format: .pem))
            }
            self.tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerError.tls(file: "server.gateway", detail: "the upstream TLS settings cannot be loaded: \(error)")
        }
    }

    /// The upstream for a request under `resource`, or nil: certmap answers the request itself.
    func upstream(for resource: Resource, settings: GatewaySettings) -> UpstreamURL? {
        resource.upstream ?? upstreamOverride ?? settings.upstream
    }

    /// Whether any request may go to an upstream under this configuration.
    func isActive(for document: ConfigDocument) -> Bool {
        upstreamOverride != nil || document.server.gateway.upstream != nil || document.resources.contains { $0.upstream != nil }
    }

    /// An idle kept-alive connection to `upstream` on `loop`, if one is still open.
    func idleConnection(to upstream: UpstreamURL, on loop: EventLoop) -> Channel? {
        let key = IdleKey(loop: ObjectIdentifier(loop), upstream: upstream)
        while let channel = idle.withLockedValue({ $0[key]?.popLast() }) {
            if channel.isActive { return channel }
        }
        return nil
    }

    /// A new connection to `upstream` on `loop` (callers take an idle one first).
    func newConnection(to upstream: UpstreamURL, on loop: EventLoop, settings: GatewaySettings) -> EventLoopFuture<Channel> {
        let tls = upstream.scheme == .https ? self.tls : nil
        let serverName = self.serverName ?? (IPAddress(upstream.host) == nil ? upstream.host : nil)
        return ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(settings.connectTimeoutSeconds * 1000)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try sync.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
                    try sync.addHandler(UpstreamResponseHandler())
                }
            }
            .connect(host: upstream.host, port: upstream.port)
    }

    /// Keeps `channel` for the next request to `upstream` on its loop, up to `maxIdle`; closes it otherwise.
    func release(_ channel: Channel, to upstream: UpstreamURL, maxIdle: Int) {
        let key = IdleKey(loop: ObjectIdentifier(channel.eventLoop), upstream: upstream)
        let kept = idle.withLockedValue { idle -> Bool in
            var list = idle[key, default: []].filter(\.isActive)
            guard list.count < maxIdle else { return false }
            list.append(channel)
            idle[key] = list
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Closes every idle upstream connection (the server is stopping).
    func shutdown() {
        let channels = idle.withLockedValue { idle -> [Channel] in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        channels.forEach { $0.close(promise: nil) }
    }
}

/// The last handler of an upstream connection: hands the application's response to the
/// exchange it currently serves, and tells it when the connection fails or closes.
final class UpstreamResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// The request in flight on this connection; nil while the connection is idle in the pool.
    var exchange: GatewayExchange?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let exchange else { return }
        switch part {
        case .head(let head): exchange.upstreamHead(head)
        case .body(let buffer): exchange.upstreamBody(buffer)
        case .end: exchange.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstreamWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.upstreamFailed("the application closed the connection")
        exchange = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        exchange?.upstreamFailed(GatewayFailureText.describe(error))
        exchange = nil
        context.close(promise: nil)
    }
}
