import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1

/// Adapts HTTP request parts on one connection to its `RequestStateMachine` and
/// `RequestAuthenticator`, and carries out what they decide: it validates certificates it has
/// not seen (off the event loop), publishes each request's record and answers — or, in gateway
/// mode, streams the allowed request to the application (`RequestAuthenticationHandler+Gateway`).
///
/// Per request it reads the server generation once (an atomic load) and takes a trace number;
/// what stays the same across a connection's requests — the certificate's verdict, whether the
/// certificate was recorded, whether gateway mode is on — is remembered here, per generation.
final class RequestAuthenticationHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let service: AuthenticationService
    let limits: ServerLimits
    /// Gateway mode (docs/gateway.md); nil: certmap answers every request itself.
    let gateway: GatewayRuntime?
    /// Set when the TLS handshake is done (`ConnectionEstablished`); no request comes before.
    private var authenticator: RequestAuthenticator?
    var machine: RequestStateMachine
    /// Gateway mode: the request being streamed to the application.
    var exchange: GatewayExchange?
    /// The verdict last used on this connection, with the generation's cache it belongs to.
    private var lastCheck: (verdicts: VerdictCache, key: PresentedChainKey, check: CertificateCheck)?
    /// The certificate last handed to the journal's certificate store from this connection.
    private var recordedCertificate: Fingerprint?
    /// Whether gateway mode is on, for the generation it was computed from (held, not only its
    /// address: a new generation may be allocated where a freed one was).
    private var gatewayActive: (generation: ServerGeneration, active: Bool)?

    init(service: AuthenticationService, limits: ServerLimits, gateway: GatewayRuntime?) {
        self.gateway = gateway
        self.service = service
        self.limits = limits
        self.machine = RequestStateMachine(maxBodyBytes: limits.maxBodyBytes)
    }

    var connection: ConnectionInfo? { authenticator?.connection }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let established = event as? ConnectionEstablished {
            authenticator = RequestAuthenticator(connection: established.info, run: service.run, persistence: service.persistence)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            context.triggerUserOutboundEvent(RequestProgress.headReceived, promise: nil)
            let generation = service.generation
            let rejection = RequestAuthenticator.headRejection(head, limits: limits)
            if let request = machine.head(head, rejection: rejection, decideAtHead: decidesAtHead(generation), now: .now()) {
                // Decided at the head: an allowed request's body streams to the application as it arrives.
                authenticate(context: context, request: request, generation: generation)
            }
        case .body(let buffer):
            switch machine.body(buffer) {
            case .none: break
            case .pauseReading: try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            case .forward(let buffer): exchange?.clientBody(buffer)
            case .abortTooLarge: exchange?.abort(status: .payloadTooLarge, message: machine.bodyLimitMessage)
            }
        case .end:
            switch machine.end() {
            case .none: break
            case .decide(let request): authenticate(context: context, request: request, generation: service.generation)
            case .reject(let rejection, let version): reject(context: context, status: rejection.status, message: rejection.message, version: version)
            case .answer(let answer): write(context: context, answer, keepAlive: answer.keepAlive)
            case .forwardEnd: exchange?.clientEnd()
            }
        }
    }

    /// Gateway mode applies to this generation's configuration (computed once per generation).
    private func decidesAtHead(_ generation: ServerGeneration) -> Bool {
        guard let gateway else { return false }
        if let gatewayActive, gatewayActive.generation === generation { return gatewayActive.active }
        let active = gateway.isActive(for: generation.snapshot.document)
        gatewayActive = (generation, active)
        return active
    }

    func reject(context: ChannelHandlerContext, status: HTTPResponseStatus, message: String, version: HTTPVersion) {
        service.events.publish(.security(SecurityEvent(category: .limit, connection: connection?.id, peer: connection?.peer ?? "?", message: message, reason: String(status.code))))
        let (head, body) = DecisionResponse.error(status, message: message, version: version)
        write(context: context, head: head, body: body, keepAlive: false)
    }

    private func authenticate(context: ChannelHandlerContext, request: RequestStateMachine.Request, generation: ServerGeneration) {
        // Mutated in place (optional chaining), never copied out and back: the authenticator
        // holds the connection's state and cached text.
        guard let start = authenticator?.begin(request.head, in: generation) else {
            context.close(promise: nil)
            return
        }
        let prepared: RequestAuthenticator.Prepared
        switch start {
        case .answered(let answer):
            service.events.publish(.security(answer.event))
            machine.answeredEarly()
            let (head, body) = DecisionResponse.error(answer.status, message: answer.message, version: request.head.version)
            write(context: context, head: head, body: body, keepAlive: false)
            return
        case .prepared(let planned):
            prepared = planned
        }
        for event in prepared.events { service.events.publish(.security(event)) }
        // Validation is cached per certificate and generation; only a certificate not seen yet
        // pays for the hop to a task (chain building may load CRLs).
        let key = prepared.source.leaf.map { PresentedChainKey(leaf: $0, chain: prepared.source.chain) }
        let cached = key.flatMap { verdict(for: $0, in: generation) }
        guard cached == nil, let leaf = prepared.certificateToCheck, let key else {
            finish(context: context, request: request, prepared: prepared, check: cached)
            return
        }
        let service = self.service
        let chain = prepared.source.chain
        context.eventLoop.makeFutureWithTask {
            await service.check(leaf, chain: chain, in: generation)
        }.assumeIsolated().whenSuccess { check in
            self.lastCheck = (generation.verdicts, key, check)
            self.finish(context: context, request: request, prepared: prepared, check: check)
        }
    }

    /// The verdict already known for what was presented: this connection's last one, else the generation's.
    private func verdict(for key: PresentedChainKey, in generation: ServerGeneration) -> CertificateCheck? {
        if let lastCheck, lastCheck.verdicts === generation.verdicts, lastCheck.key == key { return lastCheck.check }
        guard let check = generation.verdicts.value(for: key) else { return nil }
        lastCheck = (generation.verdicts, key, check)
        return check
    }

    private func finish(context: ChannelHandlerContext, request: RequestStateMachine.Request, prepared: RequestAuthenticator.Prepared, check: CertificateCheck?) {
        let traceID = service.nextTraceID()
        let duration = Int((NIODeadline.now() - request.started).nanoseconds / 1000)
        guard let outcome = authenticator?.finish(prepared, check: check, traceID: traceID, durationMicros: duration) else { return }
        if let certificate = outcome.certificate, certificate.sha256 != recordedCertificate {
            recordedCertificate = certificate.sha256
            service.recordCertificate(certificate)
        }
        let answer = CertMapAnswer(record: outcome.record, head: outcome.response, body: outcome.body, keepAlive: outcome.keepAlive)
        // Only a request decided at its head (gateway mode on) may go to the application.
        let route = gatewayActive?.active == true ? upstreamRoute(for: prepared, decision: outcome.decision) : nil
        let expectsContinue = route != nil && prepared.head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
        switch machine.decided(answer, forward: route?.upstream != nil, expectsContinue: expectsContinue) {
        case .answer(let keepAlive):
            write(context: context, answer, keepAlive: keepAlive)
        case .rejectTooLarge(let version):
            publish(answer.record)
            reject(context: context, status: .payloadTooLarge, message: machine.bodyLimitMessage, version: version)
        case .drain(let resumeReading):
            // Read (and drop) the rest of the body until the request ends.
            if resumeReading { try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true) }
        case .stream(let buffered, let ended, let readingPaused, let sendContinue):
            guard let route, let upstream = route.upstream else { return }
            startExchange(
                context: context, prepared: prepared, decision: outcome.decision, certificate: outcome.certificate, record: outcome.record,
                upstream: upstream, settings: route.settings,
                start: (buffered: buffered, ended: ended, readingPaused: readingPaused, sendContinue: sendContinue))
        }
    }

    /// Writes certmap's own answer and publishes its record first.
    func write(context: ChannelHandlerContext, _ answer: CertMapAnswer, keepAlive: Bool) {
        publish(answer.record)
        write(context: context, head: answer.head, body: answer.body, keepAlive: keepAlive)
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
