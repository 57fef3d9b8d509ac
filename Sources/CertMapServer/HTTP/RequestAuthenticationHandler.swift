import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1

/// Adapts HTTP request parts on one connection to its `RequestAuthenticator` and writes what it
/// decides: it limits header and body sizes, validates certificates it has not seen (off the
/// event loop), publishes each request's record and answers — or, in gateway mode, streams the
/// allowed request to the application (`RequestAuthenticationHandler+Gateway`).
final class RequestAuthenticationHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let service: AuthenticationService
    let limits: ServerLimits
    /// Gateway mode (docs/gateway.md); nil: certmap answers every request itself.
    let gateway: GatewayRuntime?
    /// Set when the TLS handshake is done (`ConnectionEstablished`); no request comes before.
    private var authenticator: RequestAuthenticator?
    private var pending: PendingRequest?
    /// Gateway mode: a request decided at its head, waiting for its decision or its end.
    var early: EarlyRequest?
    /// Gateway mode: the request being streamed to the application.
    var exchange: GatewayExchange?
    /// Gateway mode: body bytes of the current request (from its head on), against `limits.maxBodyBytes`.
    var gatewayBodyBytes = 0
    /// Why a body is refused with 413, naming the setting.
    var bodyLimitMessage: String { "request body exceeds the limit of \(limits.maxBodyBytes) bytes (server.limits.maxBodyBytes)" }

    struct PendingRequest {
        var head: HTTPRequestHead
        var started: NIODeadline
        var bodyBytes = 0
        var rejection: (HTTPResponseStatus, String)?
    }

    init(service: AuthenticationService, limits: ServerLimits, gateway: GatewayRuntime?) {
        self.gateway = gateway
        self.service = service
        self.limits = limits
    }

    var connection: ConnectionInfo? { authenticator?.connection }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let established = event as? ConnectionEstablished {
            authenticator = RequestAuthenticator(
                connection: established.info, run: service.run, persistence: service.persistence, servedHosts: service.servedHosts)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            context.triggerUserOutboundEvent(RequestProgress.headReceived, promise: nil)
            var request = PendingRequest(head: head, started: .now())
            request.rejection = RequestAuthenticator.headRejection(head, limits: limits)
            pending = request
            if request.rejection == nil, let gateway, gateway.isActive(for: service.configuration.current.document) {
                // Decided at the head: an allowed request's body streams to the application as it arrives.
                pending = nil
                early = EarlyRequest()
                gatewayBodyBytes = 0
                authenticate(context: context, request: request)
            }
        case .body(let buffer):
            if early != nil || exchange != nil {
                gatewayBody(context: context, buffer)
                return
            }
            pending?.bodyBytes += buffer.readableBytes
            if let request = pending, request.rejection == nil, request.bodyBytes > limits.maxBodyBytes {
                pending?.rejection = (.payloadTooLarge, bodyLimitMessage)
            }
        case .end:
            if early != nil || exchange != nil {
                gatewayEnd(context: context)
                return
            }
            guard let request = pending else { return }
            pending = nil
            if let (status, message) = request.rejection {
                reject(context: context, status: status, message: message, version: request.head.version)
            } else {
                authenticate(context: context, request: request)
            }
        }
    }

    func reject(context: ChannelHandlerContext, status: HTTPResponseStatus, message: String, version: HTTPVersion) {
        service.events.publish(.security(SecurityEvent(category: .limit, connection: connection?.id, peer: connection?.peer ?? "?", message: message, reason: String(status.code))))
        let (head, body) = DecisionResponse.error(status, message: message, version: version)
        write(context: context, head: head, body: body, keepAlive: false)
    }

    private func authenticate(context: ChannelHandlerContext, request: PendingRequest) {
        guard var authenticator else {
            context.close(promise: nil)
            return
        }
        let snapshot = service.configuration.current
        let start = authenticator.begin(request.head, persistence: service.persistence, snapshot: snapshot)
        self.authenticator = authenticator
        let prepared: RequestAuthenticator.Prepared
        switch start {
        case .answered(let answer):
            service.events.publish(.security(answer.event))
            let (head, body) = DecisionResponse.error(answer.status, message: answer.message, version: request.head.version)
            write(context: context, head: head, body: body, keepAlive: false)
            return
        case .prepared(let planned):
            prepared = planned
        }
        for event in prepared.events { service.events.publish(.security(event)) }
        // Validation is cached per certificate and generation; only a certificate not seen yet
        // pays for the hop to a task (chain building may load CRLs).
        let service = self.service
        let cached = prepared.source.leaf.flatMap { service.cachedCheck($0, chain: prepared.source.chain, generation: snapshot.generation) }
        guard cached == nil, let leaf = prepared.certificateToCheck else {
            finish(context: context, request: request, prepared: prepared, check: cached)
            return
        }
        let chain = prepared.source.chain
        let checking = context.eventLoop.makeFutureWithTask {
            try await service.check(leaf, chain: chain, generation: snapshot.generation)
        }
        checking.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let check): self.finish(context: context, request: request, prepared: prepared, check: check)
            case .failure(let error):
                let check = CertificateCheck(verdict: .untrusted, notes: ["trust configuration could not be loaded: \(error)"])
                self.finish(context: context, request: request, prepared: prepared, check: check)
            }
        }
    }

    private func finish(context: ChannelHandlerContext, request: PendingRequest, prepared: RequestAuthenticator.Prepared, check: CertificateCheck?) {
        guard var authenticator else { return }
        let outcome = authenticator.finish(
            prepared, check: check, traceID: service.nextTraceID(), durationMicros: Int((NIODeadline.now() - request.started).nanoseconds / 1000))
        self.authenticator = authenticator
        if let certificate = outcome.certificate { service.recordCertificate(certificate) }
        if early != nil {
            let answer = CertMapAnswer(record: outcome.record, head: outcome.response, body: outcome.body, keepAlive: outcome.keepAlive)
            finishEarly(
                context: context, request: prepared.head, decisionPath: prepared.decisionPath, decision: outcome.decision, certificate: outcome.certificate,
                answer: answer)
            return
        }
        publish(outcome.record)
        write(context: context, head: outcome.response, body: outcome.body, keepAlive: outcome.keepAlive)
    }

    /// Publishes the request's record, its trace inside: one event per request (whoever shows
    /// steps — the text log — derives them). Done before the response is written, so whoever
    /// reads the response can already see its record (tests and scenarios read both).
    func publish(_ record: RequestRecord) {
        service.events.publish(.request(record))
    }

    func write(context: ChannelHandlerContext, head: HTTPResponseHead, body: String, keepAlive: Bool) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        responseSent(context: context)
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Tells the lifecycle handler the response is out: the next bytes start a new request.
    func responseSent(context: ChannelHandlerContext) {
        context.triggerUserOutboundEvent(RequestProgress.responseSent, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    /// NIO's protocol error handler has already answered 400 and the decoder closes the
    /// connection; record why, so the operator sees malformed HTTP as an event.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is HTTPParserError {
            service.events.publish(.security(SecurityEvent(
                category: .malformedRequest, connection: connection?.id, peer: connection?.peer ?? "?",
                message: "malformed HTTP request: \(error); answered 400 and closed")))
        }
        context.close(promise: nil)
    }
}
