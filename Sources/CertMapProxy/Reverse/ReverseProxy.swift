import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The TLS-terminating reverse proxy, like nginx, HAProxy or Envoy in front of an IIS farm: it
/// asks clients for a certificate, forwards each request over its `UpstreamPool` (TLS with the
/// proxy's own certificate) and hands the client's certificate on in a header. With a pool of
/// one and reuse `always`, every user's requests interleave on one server connection — where a
/// server that caches identity per connection serves one user as another.
public final class ReverseProxy: Sendable {
    public let boundAddress: ListenAddress
    private let channel: Channel
    private let pool: UpstreamPool

    private init(channel: Channel, pool: UpstreamPool, boundAddress: ListenAddress) {
        self.channel = channel
        self.pool = pool
        self.boundAddress = boundAddress
    }

    /// How the reverse proxy is set up: where it listens, the server it forwards to, its upstream
    /// pool and reuse policy, the forwarded-certificate header format and the connection limit.
    public struct Settings: Hashable, Sendable {
        public var listen: ListenAddress
        public var upstream: ListenAddress
        public var outboundHost: String
        public var poolSize: Int
        public var reuse: UpstreamReusePolicy
        public var forwardedFormat: ForwardedCertificateFormat?
        public var maxConnections: Int

        public init(listen: ListenAddress, upstream: ListenAddress, outboundHost: String = "127.0.0.3", poolSize: Int = 4, reuse: UpstreamReusePolicy = .safe, forwardedFormat: ForwardedCertificateFormat? = .rfc9440, maxConnections: Int = 512) {
            self.listen = listen
            self.upstream = upstream
            self.outboundHost = outboundHost
            self.poolSize = poolSize
            self.reuse = reuse
            self.forwardedFormat = forwardedFormat
            self.maxConnections = maxConnections
        }
    }

    /// Starts it with the demo PKI of `home`: the `server` certificate towards clients, the
    /// `proxy` certificate towards the server, the CA bundle to verify the server.
    public static func start(settings: Settings, home: DataHome, events: EventBus, group: EventLoopGroup) async throws -> ReverseProxy {
        let pki = home.pkiDirectory
        let serverTLS = try Self.serverContext(certificate: pki.appendingPathComponent("server.crt"), key: pki.appendingPathComponent("server.key"))
        let clientTLS = try Self.clientContext(certificate: pki.appendingPathComponent("proxy.crt"), key: pki.appendingPathComponent("proxy.key"), caBundle: pki.appendingPathComponent("ca-bundle.pem"))
        let pool = UpstreamPool(settings: .init(upstream: settings.upstream, outboundHost: settings.outboundHost, size: settings.poolSize, reuse: settings.reuse, tls: clientTLS), group: group)
        let builder = ForwardedRequestBuilder(format: settings.forwardedFormat)
        let counter = ProxyConnectionCounter(limit: settings.maxConnections)
        let bootstrap = ServerBootstrap.listener(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let number = counter.open() else {
                        channel.close(promise: nil)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in counter.close() }
                    let presented = PresentedCertificates()
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(120)))
                    try sync.addHandler(IdleCloser())
                    try sync.addHandler(NIOSSLServerHandler(context: serverTLS, customVerificationCallback: presented.verificationCallback))
                    try sync.addHandler(HandshakeQuickAck())
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(ReverseRequestHandler(pool: pool, builder: builder, events: events, number: number, presented: presented))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: settings.listen.host, port: settings.listen.port).get()
        } catch {
            throw ProxyError.bind(what: "reverse proxy", address: settings.listen.description, detail: BindProblem.describe(error, address: settings.listen.description, option: "--reverse-proxy"))
        }
        let bound = ListenAddress(host: channel.localAddress?.ipAddress ?? settings.listen.host, port: channel.localAddress?.port ?? settings.listen.port)
        let format = settings.forwardedFormat?.rawValue ?? "no certificate"
        events.publish(.system(SystemEvent("reverse proxy listening on \(bound), forwarding to \(settings.upstream) from \(settings.outboundHost) with \(format), pool \(settings.poolSize) reuse \(settings.reuse)")))
        return ReverseProxy(channel: channel, pool: pool, boundAddress: bound)
    }

    public func stop() async {
        try? await channel.close()
        pool.shutdown()
    }

    private static func serverContext(certificate: URL, key: URL) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate.path)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateVerification = .optionalVerification
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ProxyError.tls(what: "reverse proxy", detail: "cannot load \(certificate.path) / \(key.path): \(error)")
        }
    }

    private static func clientContext(certificate: URL, key: URL, caBundle: URL) throws -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate.path).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem))
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caBundle.path))
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ProxyError.tls(what: "reverse proxy", detail: "cannot load its upstream credentials \(certificate.path) / \(key.path): \(error)")
        }
    }
}
