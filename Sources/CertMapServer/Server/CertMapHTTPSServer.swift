import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The in-process HTTPS server: TLS (client certificate requested, never required or judged at
/// the handshake), HTTP/1.x with keep-alive and pipelining, and per-request authentication.
///
/// The channel pipeline, per connection: `NIOSSLServerHandler` → `ConnectionLifecycleHandler`
/// (ids, handshake event, limits, timeouts) → NIOHTTP1 server codec with pipelining assistance
/// → `RequestAuthenticationHandler`.
public final class CertMapHTTPSServer: Sendable {
    public let service: AuthenticationService
    private let group: EventLoopGroup
    private let channel: Channel

    /// The address actually bound (the port is real even when 0 was asked for).
    public let boundAddress: ListenAddress

    private init(service: AuthenticationService, group: EventLoopGroup, channel: Channel) throws {
        self.service = service
        self.group = group
        self.channel = channel
        guard let address = channel.localAddress, let port = address.port else {
            throw ServerError.bind(address: "?", detail: "the socket has no local address")
        }
        self.boundAddress = ListenAddress(host: address.ipAddress ?? "?", port: port)
    }

    /// Loads the TLS material named by the configuration and starts listening.
    public static func start(service: AuthenticationService, listen: ListenAddress, group: EventLoopGroup) async throws -> CertMapHTTPSServer {
        let document = service.configuration.current.document
        let tls = try ServerTLSContext.make(
            certificate: service.home.resolve(document.server.certificate),
            privateKey: service.home.resolve(document.server.privateKey),
            caBundle: service.home.resolve(document.trust.caBundle)
        )
        let bootstrap = ServerBootstrap.listener(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(channel, service: service, tls: tls)
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: listen.host, port: listen.port).get()
        } catch {
            throw ServerError.bind(address: listen.description, detail: BindProblem.describe(error, address: listen.description, option: "--listen"))
        }
        let server = try CertMapHTTPSServer(service: service, group: group, channel: channel)
        service.events.publish(.system(SystemEvent("HTTPS server listening on \(server.boundAddress) (\(service.persistence))")))
        service.publishTrustNotes(of: service.configuration.current.document)
        return server
    }

    private static func configure(_ channel: Channel, service: AuthenticationService, tls: NIOSSLContext) throws {
        let limits = service.configuration.current.document.server.limits
        let presented = PresentedChain()
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000))))
        try sync.addHandler(NIOSSLServerHandler(context: tls, customVerificationCallback: presented.verificationCallback))
        try sync.addHandler(ConnectionLifecycleHandler(service: service, presented: presented, limits: limits))
    }

    /// Stops accepting, closes the listening socket; open connections finish their current request.
    public func stop() async {
        try? await channel.close()
        service.events.publish(.system(SystemEvent("HTTPS server on \(boundAddress) stopped")))
    }
}
