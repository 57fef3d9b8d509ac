import CertMapCore
import CertMapJournal
import NIOCore

/// What the proxy simulator runs: a forward proxy, a reverse proxy, or both, in front of one
/// certmap server.
public struct ProxySimulatorSettings: Hashable, Sendable {
    public var upstream: ListenAddress
    /// nil: no forward proxy.
    public var forwardListen: ListenAddress?
    public var forwardOutboundHost: String
    /// nil: no reverse proxy.
    public var reverseListen: ListenAddress?
    public var reverseOutboundHost: String
    public var poolSize: Int
    public var reuse: UpstreamReusePolicy
    /// nil: the reverse proxy forwards no certificate.
    public var forwardedFormat: ForwardedCertificateFormat?

    public init(
        upstream: ListenAddress, forwardListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 8080), forwardOutboundHost: String = "127.0.0.2",
        reverseListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9443), reverseOutboundHost: String = "127.0.0.3",
        poolSize: Int = 4, reuse: UpstreamReusePolicy = .safe, forwardedFormat: ForwardedCertificateFormat? = .rfc9440
    ) {
        self.upstream = upstream
        self.forwardListen = forwardListen
        self.forwardOutboundHost = forwardOutboundHost
        self.reverseListen = reverseListen
        self.reverseOutboundHost = reverseOutboundHost
        self.poolSize = poolSize
        self.reuse = reuse
        self.forwardedFormat = forwardedFormat
    }
}

/// The forward and reverse proxies, started and stopped together (docs/design.md §6).
public final class ProxySimulator: Sendable {
    public let forward: ForwardProxy?
    public let reverse: ReverseProxy?

    public var forwardAddress: ListenAddress? { forward?.boundAddress }
    public var reverseAddress: ListenAddress? { reverse?.boundAddress }

    private init(forward: ForwardProxy?, reverse: ReverseProxy?) {
        self.forward = forward
        self.reverse = reverse
    }

    public static func start(settings: ProxySimulatorSettings, home: DataHome, events: EventBus, group: EventLoopGroup) async throws -> ProxySimulator {
        let findings = ProxyTrustCheck.check(settings: settings, home: home)
        for warning in findings.warnings {
            events.publish(.system(SystemEvent("warning: \(warning)")))
        }
        if let error = findings.errors.first {
            throw ProxyError.unsafeTrust(error)
        }
        var forward: ForwardProxy?
        if let listen = settings.forwardListen {
            forward = try await ForwardProxy.start(settings: ForwardProxySettings(listen: listen, upstream: settings.upstream, outboundHost: settings.forwardOutboundHost), events: events, group: group)
        }
        do {
            var reverse: ReverseProxy?
            if let listen = settings.reverseListen {
                reverse = try await ReverseProxy.start(
                    settings: ReverseProxy.Settings(listen: listen, upstream: settings.upstream, outboundHost: settings.reverseOutboundHost, poolSize: settings.poolSize, reuse: settings.reuse, forwardedFormat: settings.forwardedFormat),
                    home: home, events: events, group: group)
            }
            return ProxySimulator(forward: forward, reverse: reverse)
        } catch {
            await forward?.stop()
            throw error
        }
    }

    public func stop() async {
        await forward?.stop()
        await reverse?.stop()
    }
}
