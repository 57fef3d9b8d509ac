import CertMapCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A scripted HTTPS client (SwiftNIO + swift-nio-ssl) that plays one `ConnectionPlan`: it
/// connects directly, through the forward proxy (`CONNECT localhost:PORT`, then TLS inside the
/// tunnel on the same socket) or to the reverse proxy, presents its identity's certificate
/// (trusting only the demo CA bundle, SNI `localhost`), and sends the plan's requests in order on
/// one kept-alive connection, reading each answer's `X-CertMap-*` headers.
///
/// Keep-alive is the point: KB Q190009 only shows on request 2 of a connection. A new connection
/// is opened only when the server closed the previous one (`Connection: close`, idle timeout) or
/// a request on it failed; each outcome says which connection carried it.
///
/// Errors are outcomes, not crashes: a refused tunnel, a TLS failure or a timeout (connect,
/// CONNECT answer, response — each bounded by `timeout`) becomes the request's `error`.
public final class SyntheticClient: Sendable {
    private let endpoints: ClientEndpoints
    private let group: EventLoopGroup
    private let contexts = NIOLockedValueBox<[ClientIdentity: NIOSSLContext]>([:])
    /// How long connecting, opening a tunnel, or waiting for one response may take.
    public let timeout: TimeAmount

    public init(endpoints: ClientEndpoints, group: EventLoopGroup, timeout: TimeAmount = .seconds(10)) {
        self.endpoints = endpoints
        self.group = group
        self.timeout = timeout
    }

    /// Runs the plan. Returns one outcome per request attempted, in order: all of them, unless
    /// `gate` stopped the plan or the task was cancelled (then the requests not sent are left out).
    /// When a connection cannot be opened, every remaining request gets that error.
    /// `onOutcome` hears each request's outcome (with its index in the plan) as it comes.
    public func run(_ plan: ConnectionPlan, gate: RequestGate? = nil, onOutcome: (@Sendable (Int, RequestOutcome) async -> Void)? = nil) async -> [RequestOutcome] {
        var outcomes: [RequestOutcome] = []
        var channel: Channel?
        var connections = 0
        for (index, request) in plan.requests.enumerated() {
            if index > 0 && plan.thinkTime > .zero { try? await Task.sleep(for: plan.thinkTime) }
            if let gate, await gate() == .stop { break }
            if Task.isCancelled { break }
            if channel?.isActive != true {
                if let stale = channel { try? await stale.close() }
                connections += 1
                do {
                    channel = try await connect(plan)
                } catch {
                    let message = Self.describe(error)
                    for (failedIndex, failed) in plan.requests[index...].enumerated() {
                        let outcome = RequestOutcome.failed(failed, message, connection: connections)
                        outcomes.append(outcome)
                        await onOutcome?(index + failedIndex, outcome)
                    }
                    return outcomes
                }
            }
            guard let open = channel else { continue }
            let (outcome, keepAlive) = await send(request, on: open, connection: connections)
            outcomes.append(outcome)
            await onOutcome?(index, outcome)
            if !keepAlive {
                try? await open.close()
                channel = nil
            }
        }
        if let channel { try? await channel.close() }
        return outcomes
    }

    /// Sends one request and waits (bounded) for its answer; `keepAlive` is false when the
    /// connection must not be used again.
    private func send(_ request: PlannedRequest, on channel: Channel, connection: Int) async -> (RequestOutcome, keepAlive: Bool) {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.path)
        head.headers.add(name: "Host", value: "localhost")
        head.headers.add(name: "User-Agent", value: "certmap-synthetic-client")
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { head.headers.add(name: name, value: value) }
        let promise = channel.eventLoop.makePromise(of: UpstreamResponse.self)
        let seconds = timeout.nanoseconds / 1_000_000_000
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(SyntheticClientError.timeout("no response within \(seconds) s")) }
        defer { deadline.cancel() }
        channel.writeAndFlush(UpstreamExchange(request: UpstreamRequest(head: head, body: nil), promise: promise)).whenFailure { promise.fail($0) }
        do {
            let response = try await promise.futureResult.get()
            let headers = response.head.headers
            var outcome = RequestOutcome(
                request: request, status: Int(response.head.status.code), decision: headers["X-CertMap-Decision"].first,
                account: headers["X-CertMap-Account"].first, traceID: headers["X-CertMap-Trace"].first, error: nil)
            outcome.reason = headers["X-CertMap-Reason"].first
            outcome.connection = connection
            return (outcome, response.head.isKeepAlive)
        } catch {
            return (.failed(request, Self.describe(error), connection: connection), false)
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
        let tunnels = plan.route == .forward
        let loop = group.next()
        let tunnelOpen = loop.makePromise(of: Void.self)
        if !tunnels { tunnelOpen.succeed(()) }
        let tunnelDeadline = NIODeadline.now() + timeout
        let serverPort = endpoints.server.port
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if tunnels {
                        try ConnectTunnel.add(to: channel, host: "localhost", port: serverPort, deadline: tunnelDeadline, done: tunnelOpen)
                    } else {
                        try Self.addTLSAndHTTP(sync, tls: tls)
                    }
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            if tunnels { tunnelOpen.fail(error) }
            throw SyntheticClientError.connect(target.description, Self.describe(error))
        }
        guard tunnels else { return channel }
        do {
            try await tunnelOpen.futureResult.get()
            try await ConnectTunnel.open(channel).get()
            try await loop.submit { try Self.addTLSAndHTTP(channel.pipeline.syncOperations, tls: tls) }.get()
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
        if let cached = contexts.withLockedValue({ $0[identity] }) { return cached }
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(endpoints.caBundle.path))
        } catch {
            throw SyntheticClientError.identity("the CA bundle", "\(endpoints.caBundle.path): \(error)")
        }
        if let certificate = identity.certificate, let key = identity.key {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate.path).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem))
            } catch {
                throw SyntheticClientError.identity(identity.name, "\(certificate.path): \(error)")
            }
        }
        let context = try NIOSSLContext(configuration: configuration)
        contexts.withLockedValue { $0[identity] = context }
        return context
    }

    private static func describe(_ error: Error) -> String {
        "\(error)"
    }
}

/// Why a synthetic client could not send a request, said for the report.
public enum SyntheticClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case timeout(String)
    case noRoute(String)
    case connect(String, String)
    case identity(String, String)

    public var description: String {
        switch self {
        case .timeout(let what): return what
        case .noRoute(let route): return "the \(route) proxy is not running"
        case .connect(let address, let detail): return "cannot connect to \(address): \(detail)"
        case .identity(let name, let detail): return "cannot load the certificate of \(name): \(detail)"
        }
    }
}
