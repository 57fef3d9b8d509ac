import CertMapCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The reverse proxy's upstream connections to the server: TLS with the proxy's own certificate,
/// from the outbound address, shared according to the `UpstreamReusePolicy` (the decisions are
/// `UpstreamPoolState`'s; this class does the I/O).
final class UpstreamPool: Sendable {
    struct Settings: Sendable {
        let upstream: ListenAddress
        let outboundHost: String
        let size: Int
        let reuse: UpstreamReusePolicy
        let tls: NIOSSLContext
    }

    private struct Waiter: Sendable {
        let request: UpstreamRequest
        let promise: EventLoopPromise<UpstreamResponse>
    }

    private struct State: Sendable {
        var machine: UpstreamPoolState
        var channels: [UpstreamPoolState.ConnectionID: Channel] = [:]
        var waiters: [UpstreamPoolState.ClientID: Waiter] = [:]
    }

    private let settings: Settings
    private let group: EventLoopGroup
    private let state: NIOLockedValueBox<State>

    init(settings: Settings, group: EventLoopGroup) {
        self.settings = settings
        self.group = group
        self.state = NIOLockedValueBox(State(machine: UpstreamPoolState(size: settings.size, policy: settings.reuse)))
    }

    /// Sends `request` for client connection `client` and completes with the server's response.
    func send(_ request: UpstreamRequest, for client: UpstreamPoolState.ClientID, on eventLoop: EventLoop) -> EventLoopFuture<UpstreamResponse> {
        let promise = eventLoop.makePromise(of: UpstreamResponse.self)
        let decision = state.withLockedValue { state -> UpstreamPoolState.Decision in
            let decision = state.machine.acquire(for: client)
            if decision == .wait { state.waiters[client] = Waiter(request: request, promise: promise) }
            return decision
        }
        carryOut(decision, request: request, promise: promise)
        return promise.futureResult
    }

    /// The client connection closed: drop what it waited for and close what only it may use.
    func clientClosed(_ client: UpstreamPoolState.ClientID) {
        let channels = state.withLockedValue { state -> [Channel] in
            state.waiters[client]?.promise.fail(UpstreamError.closedBeforeResponse)
            state.waiters[client] = nil
            return state.machine.clientClosed(client).compactMap { state.channels[$0] }
        }
        channels.forEach { $0.close(promise: nil) }
    }

    /// Closes every upstream connection.
    func shutdown() {
        let channels = state.withLockedValue { Array($0.channels.values) }
        channels.forEach { $0.close(promise: nil) }
    }

    private func carryOut(_ decision: UpstreamPoolState.Decision, request: UpstreamRequest, promise: EventLoopPromise<UpstreamResponse>) {
        switch decision {
        case .use(let id):
            guard let channel = state.withLockedValue({ $0.channels[id] }) else {
                promise.fail(UpstreamError.closedBeforeResponse)
                return
            }
            dispatch(request, promise: promise, on: channel, id: id)
        case .open(let id):
            open(id).whenComplete { result in
                switch result {
                case .success(let channel):
                    self.dispatch(request, promise: promise, on: channel, id: id)
                case .failure(let error):
                    promise.fail(UpstreamError.connection("cannot reach the certmap server at \(self.settings.upstream): \(error)"))
                    self.connectionGone(id)
                }
            }
        case .wait:
            break
        case .reject:
            promise.fail(UpstreamError.poolFull)
        }
    }

    private func dispatch(_ request: UpstreamRequest, promise: EventLoopPromise<UpstreamResponse>, on channel: Channel, id: UpstreamPoolState.ConnectionID) {
        promise.futureResult.whenComplete { _ in self.responseFinished(id) }
        channel.writeAndFlush(UpstreamExchange(request: request, promise: promise)).whenFailure { error in
            promise.fail(UpstreamError.connection("\(error)"))
        }
    }

    private func responseFinished(_ id: UpstreamPoolState.ConnectionID) {
        let (close, next, channel) = state.withLockedValue { state in
            let (close, next) = state.machine.release(id)
            return (close, next.flatMap { next in state.waiters.removeValue(forKey: next.client).map { (next.decision, $0) } }, state.channels[id])
        }
        if close { channel?.close(promise: nil) }
        if let (decision, waiter) = next { carryOut(decision, request: waiter.request, promise: waiter.promise) }
    }

    private func connectionGone(_ id: UpstreamPoolState.ConnectionID) {
        let next = state.withLockedValue { state -> (UpstreamPoolState.Decision, Waiter)? in
            state.channels[id] = nil
            guard let next = state.machine.remove(id) else { return nil }
            return state.waiters.removeValue(forKey: next.client).map { (next.decision, $0) }
        }
        if let (decision, waiter) = next { carryOut(decision, request: waiter.request, promise: waiter.promise) }
    }

    private func open(_ id: UpstreamPoolState.ConnectionID) -> EventLoopFuture<Channel> {
        let settings = self.settings
        let loop = group.next()
        let bootstrap: ClientBootstrap
        do {
            bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(.seconds(5))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(to: try SocketAddress(ipAddress: settings.outboundHost, port: 0))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(NIOSSLClientHandler(context: settings.tls, serverHostname: "localhost"))
                        try sync.addHTTPClientHandlers()
                        try sync.addHandler(UpstreamExchangeHandler())
                    }
                }
        } catch {
            return loop.makeFailedFuture(error)
        }
        return bootstrap.connect(host: settings.upstream.host, port: settings.upstream.port).map { channel in
            self.state.withLockedValue { $0.channels[id] = channel }
            channel.closeFuture.whenComplete { _ in self.connectionGone(id) }
            return channel
        }
    }
}
