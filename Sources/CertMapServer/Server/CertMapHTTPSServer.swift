import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The in-process HTTPS server: TLS (client certificate requested, never required or judged at
/// the handshake), HTTP/1.x with keep-alive and pipelining, and per-request authentication.
///
/// Each connection's pipeline is assembled by `ServerPipeline`.
public final class CertMapHTTPSServer: Sendable {
    public let service: AuthenticationService
    private let group: EventLoopGroup
    private let channel: Channel
    /// Gateway mode's shared state (nil: certmap answers every request itself).
    public let gateway: GatewayRuntime?
    /// Knows every open connection, to drain them at shutdown. Released by `stop` while the event
    /// loops still run: its deinit completes a promise on one of them.
    private let quiescing: NIOLockedValueBox<ServerQuiescingHelper?>

    /// The address actually bound (the port is real even when 0 was asked for).
    public let boundAddress: ListenAddress

    private init(service: AuthenticationService, group: EventLoopGroup, channel: Channel, gateway: GatewayRuntime?, quiescing: ServerQuiescingHelper) throws {
        self.gateway = gateway
        self.quiescing = NIOLockedValueBox(quiescing)
        self.service = service
        self.group = group
        self.channel = channel
        guard let address = channel.localAddress, let port = address.port else {
            throw ServerError.bind(address: "?", detail: "the socket has no local address")
        }
        self.boundAddress = ListenAddress(host: address.ipAddress ?? "?", port: port)
    }

    /// Loads the TLS material named by the configuration and starts listening.
    /// - Parameter upstream: `--upstream`: put certmap in front of that application (gateway mode;
    ///   `server.gateway` in the configuration can do the same without the flag).
    public static func start(service: AuthenticationService, listen: ListenAddress, group: EventLoopGroup, upstream: UpstreamURL? = nil) async throws -> CertMapHTTPSServer {
        try service.loadTrust()
        let document = service.configuration.current.document
        let tls = try ServerTLSContext.make(
            certificate: service.home.resolve(document.server.certificate),
            privateKey: service.home.resolve(document.server.privateKey),
            caBundle: service.home.resolve(document.trust.caBundle)
        )
        let gateway = try GatewayRuntime(upstreamOverride: upstream, settings: document.server.gateway, home: service.home)
        let quiescing = ServerQuiescingHelper(group: group)
        let bootstrap = ServerBootstrap.listener(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try ServerPipeline.configure(channel, service: service, tls: tls, gateway: gateway)
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: listen.host, port: listen.port).get()
        } catch {
            throw ServerError.bind(address: listen.description, detail: BindProblem.describe(error, address: listen.description, option: "--listen"))
        }
        let server = try CertMapHTTPSServer(service: service, group: group, channel: channel, gateway: gateway, quiescing: quiescing)
        service.events.publish(.system(SystemEvent("HTTPS server listening on \(server.boundAddress) (\(service.persistence))")))
        if let upstream = gateway.upstreamOverride ?? document.server.gateway.upstream {
            service.events.publish(.system(SystemEvent("gateway: allowed requests go to \(upstream) with the identity in \(document.server.gateway.identityHeaders.account); refused ones never reach it")))
        }
        service.publishTrustNotes(of: service.configuration.current.document)
        return server
    }

    /// Stops accepting and drains: idle keep-alive connections close at once, a connection
    /// in the middle of a request closes after its response (`Connection: close`), and whatever is
    /// still open after `drainDeadline` is left to the event loops' shutdown.
    public func stop(drainDeadline: Duration = .seconds(10)) async {
        let open = service.openConnectionCount
        // A second stop finds the helper gone and has nothing to do.
        guard let quiescing = self.quiescing.withLockedValue({ helper in defer { helper = nil }; return helper }) else { return }
        let drained = channel.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: drained)
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(drainDeadline)) {
            drained.fail(DrainTimeout())
        }
        let finished = (try? await drained.futureResult.get()) != nil
        timeout.cancel()
        gateway?.shutdown()
        let left = service.openConnectionCount
        let how = open == 0 ? "" : finished ? " after draining \(open) connection\(open == 1 ? "" : "s")" : "; \(left) of \(open) connections were still open after \(drainDeadline) and were closed with the server"
        service.events.publish(.system(SystemEvent("HTTPS server on \(boundAddress) stopped\(how)")))
    }

    private struct DrainTimeout: Error {}
}
