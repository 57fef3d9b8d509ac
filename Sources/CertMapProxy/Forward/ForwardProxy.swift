import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// The forward proxy, like squid: HTTP `CONNECT` tunnels to the certmap server only. The TLS
/// session is end to end between client and server, so the server sees the user's own
/// certificate on a connection from the proxy's outbound address — a proxied connection, which
/// is exactly where IIS 4.0 reset authentication after each request (KB Q190009).
public final class ForwardProxy: Sendable {
    public let settings: ForwardProxySettings
    /// Where it listens, with the real port when 0 was asked for.
    public let boundAddress: ListenAddress
    private let channel: Channel

    private init(settings: ForwardProxySettings, channel: Channel, boundAddress: ListenAddress) {
        self.settings = settings
        self.channel = channel
        self.boundAddress = boundAddress
    }

    public static func start(settings: ForwardProxySettings, events: EventBus, group: EventLoopGroup) async throws -> ForwardProxy {
        let counter = ProxyConnectionCounter(limit: settings.maxTunnels)
        let bootstrap = ServerBootstrap.listener(group: group)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    guard let number = counter.open() else {
                        channel.close(promise: nil)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in counter.close() }
                    try sync.addHandler(IdleStateHandler(allTimeout: .seconds(settings.idleTimeoutSeconds)))
                    try sync.addHandler(IdleCloser())
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)), name: TunnelRequestHandler.decoderName)
                    try sync.addHandler(HTTPResponseEncoder(), name: TunnelRequestHandler.encoderName)
                    try sync.addHandler(TunnelRequestHandler(settings: settings, events: events, number: number))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: settings.listen.host, port: settings.listen.port).get()
        } catch {
            throw ProxyError.bind(what: "forward proxy", address: settings.listen.description, detail: BindProblem.describe(error, address: settings.listen.description, option: "--forward-proxy"))
        }
        let bound = ListenAddress(host: channel.localAddress?.ipAddress ?? settings.listen.host, port: channel.localAddress?.port ?? settings.listen.port)
        events.publish(.system(SystemEvent("forward proxy listening on \(bound), tunnelling CONNECT to \(settings.upstream) from \(settings.outboundHost)")))
        return ForwardProxy(settings: settings, channel: channel, boundAddress: bound)
    }

    /// Stops accepting; open tunnels end when either side closes.
    public func stop() async {
        try? await channel.close()
    }
}

/// Closes a connection when the `IdleStateHandler` before it says nothing moved for too long.
final class IdleCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
