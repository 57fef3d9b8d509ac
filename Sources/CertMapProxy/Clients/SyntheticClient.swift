import CertMapCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A scripted HTTPS client (SwiftNIO + swift-nio-ssl) that plays one `ConnectionPlan`: it
/// connects directly, through the forward proxy (CONNECT, then TLS inside the tunnel) or to the
/// reverse proxy, presents its identity's certificate, and sends the plan's requests in order on
/// one kept-alive connection, reading each answer's `X-CertMap-*` headers.
///
/// Errors are outcomes, not crashes: a refused tunnel or a closed connection ends the plan with
/// an error for the remaining requests.
public final class SyntheticClient: Sendable {
    private let endpoints: ClientEndpoints
    private let group: EventLoopGroup
    private let contexts = NIOLockedValueBox<[String: NIOSSLContext]>([:])
    /// How long one request may take, connection included.
    public let timeout: TimeAmount

    public init(endpoints: ClientEndpoints, group: EventLoopGroup, timeout: TimeAmount = .seconds(10)) {
        self.endpoints = endpoints
        self.group = group
        self.timeout = timeout
    }

    /// Runs the plan; one outcome per planned request.
    public func run(_ plan: ConnectionPlan) async -> [RequestOutcome] {
        let channel: Channel
        do {
            channel = try await connect(plan)
        } catch {
            return plan.requests.map { RequestOutcome(request: $0, status: nil, decision: nil, account: nil, traceID: nil, error: "\(error)") }
        }
        var outcomes: [RequestOutcome] = []
        for (index, request) in plan.requests.enumerated() {
            if index > 0 && plan.thinkTime > .zero { try? await Task.sleep(for: plan.thinkTime) }
            if request.delay > .zero { try? await Task.sleep(for: request.delay) }
            guard channel.isActive else {
                outcomes.append(RequestOutcome(request: request, status: nil, decision: nil, account: nil, traceID: nil, error: "the connection was closed"))
                continue
            }
            outcomes.append(await send(request, on: channel))
        }
        try? await channel.close()
        return outcomes
    }

    private func send(_ request: PlannedRequest, on channel: Channel) async -> RequestOutcome {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.path)
        head.headers.add(name: "Host", value: "localhost")
        head.headers.add(name: "User-Agent", value: "certmap-synthetic-client")
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { head.headers.add(name: name, value: value) }
        let promise = channel.eventLoop.makePromise(of: UpstreamResponse.self)
        let timeout = channel.eventLoop.scheduleTask(in: self.timeout) { promise.fail(SyntheticClientError.timeout) }
        channel.writeAndFlush(UpstreamExchange(request: UpstreamRequest(head: head, body: nil), promise: promise)).whenFailure { promise.fail($0) }
        defer { timeout.cancel() }
        do {
            let response = try await promise.futureResult.get()
            let headers = response.head.headers
            var outcome = RequestOutcome(
                request: request, status: Int(response.head.status.code), decision: headers["X-CertMap-Decision"].first,
                account: headers["X-CertMap-Account"].first, traceID: headers["X-CertMap-Trace"].first, error: nil)
            outcome.reason = headers["X-CertMap-Reason"].first
            return outcome
        } catch {
            channel.close(promise: nil)
            return RequestOutcome(request: request, status: nil, decision: nil, account: nil, traceID: nil, error: "\(error)")
        }
    }

    private func connect(_ plan: ConnectionPlan) async throws -> Channel {
        let tls = try context(for: plan.identity)
        let target: ListenAddress
        switch plan.route {
        case .direct: target = endpoints.server
        case .forward:
            guard let proxy = endpoints.forwardProxy else { throw SyntheticClientError.noRoute("forward") }
            target = proxy
        case .reverse:
            guard let proxy = endpoints.reverseProxy else { throw SyntheticClientError.noRoute("reverse") }
            target = proxy
        }
        let tunnelTarget = plan.route == .forward ? "localhost:\(endpoints.server.port)" : nil
        let loop = group.next()
        let tunnelOpen = loop.makePromise(of: Void.self)
        if tunnelTarget == nil { tunnelOpen.succeed(()) }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tunnelTarget {
                        try sync.addHandler(TunnelPreambleHandler(target: tunnelTarget, done: tunnelOpen), name: "tunnel")
                    } else {
                        try Self.addTLSAndHTTP(sync, tls: tls)
                    }
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            if tunnelTarget != nil { tunnelOpen.fail(error) }
            throw error
        }
        guard tunnelTarget != nil else { return channel }
        do {
            let deadline = loop.scheduleTask(in: timeout) { tunnelOpen.fail(SyntheticClientError.timeout) }
            try await tunnelOpen.futureResult.get()
            deadline.cancel()
            try await loop.submit {
                let sync = channel.pipeline.syncOperations
                sync.removeHandler(name: "tunnel", promise: nil)
                try Self.addTLSAndHTTP(sync, tls: tls)
            }.get()
        } catch {
            try? await channel.close()
            throw error
        }
        return channel
    }

    private static func addTLSAndHTTP(_ sync: ChannelPipeline.SynchronousOperations, tls: NIOSSLContext) throws {
        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
        try sync.addHTTPClientHandlers()
        try sync.addHandler(UpstreamExchangeHandler())
    }

    /// One TLS context per identity (loading keys is the expensive part).
    private func context(for identity: ClientIdentity) throws -> NIOSSLContext {
        if let cached = contexts.withLockedValue({ $0[identity.name] }) { return cached }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(endpoints.caBundle.path))
        if let certificate = identity.certificate, let key = identity.key {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate.path).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem))
            } catch {
                throw SyntheticClientError.identity(identity.name, "\(error)")
            }
        }
        let context = try NIOSSLContext(configuration: configuration)
        contexts.withLockedValue { $0[identity.name] = context }
        return context
    }
}

/// Why a synthetic client could not send a request.
public enum SyntheticClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case timeout
    case noRoute(String)
    case identity(String, String)

    public var description: String {
        switch self {
        case .timeout: return "no answer in time"
        case .noRoute(let route): return "the \(route) proxy is not running"
        case .identity(let name, let detail): return "cannot load the certificate of \(name): \(detail)"
        }
    }
}
