import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1

/// A response certmap writes itself, with the record to publish with it.
struct CertMapAnswer {
    let record: RequestRecord
    let head: HTTPResponseHead
    let body: String
    let keepAlive: Bool
}

/// Gateway mode (docs/gateway.md): allowed requests go to the application, streamed; refusals
/// are answered by certmap and never reach it.
extension RequestAuthenticationHandler {
    /// Where a decided request would go in gateway mode: its upstream (nil when it is refused or
    /// its path has none: certmap answers) and the gateway settings of its generation; nil
    /// outside gateway mode.
    func upstreamRoute(for prepared: RequestAuthenticator.Prepared, decision: Decision) -> (upstream: UpstreamURL?, settings: GatewaySettings)? {
        guard let gateway else { return nil }
        let settings = prepared.snapshot.document.server.gateway
        guard decision.isAllowed else { return (nil, settings) }
        let resource = prepared.snapshot.engine.policy.resource(for: prepared.decisionPath)
        return (gateway.upstream(for: resource, settings: settings), settings)
    }

    /// Starts streaming an allowed request to the application, with what arrived of its body
    /// while it was being decided.
    func startExchange(
        context: ChannelHandlerContext, prepared: RequestAuthenticator.Prepared, decision: Decision, certificate: CertificateIdentity?,
        record: RequestRecord, upstream: UpstreamURL, settings: GatewaySettings,
        start: (buffered: [ByteBuffer], ended: Bool, readingPaused: Bool, sendContinue: Bool)
    ) {
        guard let gateway else { return }
        let snapshot = prepared.snapshot
        let head = prepared.head
        let account = decision.account
        let identity = GatewayIdentity(
            account: account, groups: account.flatMap { snapshot.engine.policy.accounts[$0]?.groups } ?? [], mapping: decision.mapping,
            decision: decision.statusText, certificateDER: settings.forwardClientCertificate ? certificate?.der : nil)
        let upstreamHead = GatewayHeads.request(
            head, upstream: upstream, identity: identity, names: settings.identityHeaders,
            clientAddress: context.channel.remoteAddress?.ipAddress ?? "unknown",
            forwardedCertificateHeaders: snapshot.document.server.forwardedHeaders.allHeaderNames)
        let exchange = GatewayExchange(
            context: context, runtime: gateway, clientReadingPaused: start.readingPaused,
            request: GatewayExchange.Request(
                upstreamHead: upstreamHead, clientHead: head, upstream: upstream, settings: settings, traceID: record.traceID, decision: decision.statusText),
            ended: { [weak self] ending in self?.exchangeEnded(context: context, ending, record: record, version: head.version) })
        self.exchange = exchange
        context.triggerUserOutboundEvent(RequestProgress.responseStreaming, promise: nil)
        if start.sendContinue {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        exchange.start()
        for buffer in start.buffered { exchange.clientBody(buffer) }
        if start.ended { exchange.clientEnd() }
    }

    private func exchangeEnded(context: ChannelHandlerContext, _ ending: GatewayExchange.Ending, record: RequestRecord, version: HTTPVersion) {
        exchange = nil
        machine.exchangeEnded()
        publish(record.with(upstream: ending.outcome))
        if let failure = ending.outcome.failure {
            service.events.publish(.system(SystemEvent(
                "gateway: \(record.method) \(record.path) (trace \(record.traceID)) to \(ending.outcome.upstream): \(failure)"
                    + (ending.errorResponse.map { "; answered \($0.status.code)" } ?? ""))))
        }
        if let (status, message) = ending.errorResponse {
            let (head, body) = DecisionResponse.error(status, message: message, version: version)
            write(context: context, head: head, body: body, keepAlive: false)
        } else if ending.outcome.failure == nil {
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            responseSent(context: context)
            if !ending.clientKeepAlive {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        } else if context.channel.isActive {
            // The response head went out already: closing is the only way to say it is incomplete.
            context.close(promise: nil)
        }
    }
}
