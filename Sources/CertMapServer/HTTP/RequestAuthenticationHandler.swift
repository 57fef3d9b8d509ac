import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1

/// Authenticates every HTTP request on one TLS connection and answers it (docs/design.md §5):
/// `reset` → certificate `source` → `validate` → `map` → `authorize` → `respond`, each step in
/// the trace of the request's one record event. Connection-level persistence (IIS `AuthPersistence`) decides whether a request maps its
/// own certificate, reuses the connection's identity, or fails after a reset (KB Q190009).
final class RequestAuthenticationHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let service: AuthenticationService
    let connection: ConnectionInfo
    let limits: ServerLimits
    /// Gateway mode (docs/gateway.md); nil: certmap answers every request itself.
    let gateway: GatewayRuntime?
    /// Weak: a validation still in flight when the client disconnects must not touch a torn-down pipeline.
    private(set) weak var lifecycle: ConnectionLifecycleHandler?
    private var authentication: ConnectionAuthentication
    private var requestIndex = 0
    /// Forwarded-certificate headers removed from the request being decided, for its facts.
    private var stripped: StrippedHeaders?
    /// The forwarder, header and XFCC element of the current request's forwarded certificate.
    private var forwardedProvenance: ForwardedProvenance?
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

    init(service: AuthenticationService, connection: ConnectionInfo, limits: ServerLimits, gateway: GatewayRuntime?, lifecycle: ConnectionLifecycleHandler) {
        self.gateway = gateway
        self.service = service
        self.connection = connection
        self.limits = limits
        self.lifecycle = lifecycle
        self.authentication = ConnectionAuthentication(persistence: service.persistence)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            lifecycle?.requestHeadReceived()
            var request = PendingRequest(head: head, started: .now())
            let headerBytes = head.uri.utf8.count + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            if headerBytes > limits.maxHeaderBytes {
                request.rejection = (.requestHeaderFieldsTooLarge, "request headers are \(headerBytes) bytes; the limit is \(limits.maxHeaderBytes)")
            }
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
        service.events.publish(.security(SecurityEvent(category: .limit, connection: connection.id, peer: connection.peer, message: message)))
        let (head, body) = DecisionResponse.error(status, message: message, version: version)
        write(context: context, head: head, body: body, keepAlive: false)
    }

    private func authenticate(context: ChannelHandlerContext, request: PendingRequest) {
        requestIndex += 1
        let persistence = service.persistence
        if persistence != authentication.persistence {
            authentication = ConnectionAuthentication(persistence: persistence)
        }
        let snapshot = service.configuration.current
        let proxy = ProxyIndication(role: connection.role, requestHeaders: request.head.headers)
        var trace = DecisionTrace()
        trace.record(.reset, .info, "request \(requestIndex) on connection \(connection.id): authentication context reset (\(persistence))")
        trace.record(.source, .info, proxy.explanation)
        guard case .proceed(let forwarded) = screenForwardedHeaders(context: context, request: request, snapshot: snapshot, trace: &trace) else { return }
        // The certificate this request presented is recorded even when it is not used, so a
        // reused identity ("presented bob, answered as alice") is visible in events.
        let source = certificateSource(forwarded: forwarded)
        forwardedProvenance = forwarded.map {
            ForwardedProvenance(format: $0.format.rawValue, header: $0.headerName, peer: connection.peer, xfccElement: $0.xfccElement)
        }
        switch authentication.plan() {
        case .reuse(let persisted):
            let check = source.leaf.flatMap { service.cachedCheck($0, generation: snapshot.generation) }
            let decision = snapshot.engine.decideReusing(persisted, path: request.head.uri, trace: trace, presented: source.leaf, check: check)
            finish(context: context, request: request, proxy: proxy, source: "persisted", certificate: source.leaf, decision: decision)
        case .failAfterReset(let resetAfter):
            let decision = snapshot.engine.decideAfterResetWithoutRemap(resetAfterRequest: resetAfter, trace: trace)
            finish(context: context, request: request, proxy: proxy, source: "none", certificate: source.leaf, decision: decision)
        case .map(let why):
            trace.record(.source, .info, why)
            mapCertificate(source, context: context, request: request, proxy: proxy, snapshot: snapshot, trace: trace)
        }
    }

    private enum Screening {
        /// Go on, with the certificate a forwarder forwarded (if any).
        case proceed(ForwardedCertificate?)
        /// The request was already answered (400 for a malformed header).
        case answered
    }

    /// Applies the forwarder rule to forwarded-certificate headers.
    private func screenForwardedHeaders(context: ChannelHandlerContext, request: PendingRequest, snapshot: ConfigSnapshot, trace: inout DecisionTrace) -> Screening {
        let gate = ForwardedCertificateGate(settings: snapshot.document.server.forwardedHeaders)
        switch gate.judge(request.head.headers, peerMayForward: connection.role.mayForwardCertificates) {
        case .notForwarded:
            return .proceed(nil)
        case .forwarded(let certificate):
            if !certificate.otherFormatsPresent.isEmpty {
                let ignored = certificate.otherFormatsPresent.map(\.rawValue).joined(separator: ", ")
                trace.record(.source, .info, "also present and ignored (lower precedence): \(ignored)")
            }
            return .proceed(certificate)
        case .spoofed(let headers):
            var hints: [String] = []
            if connection.role.proxied { hints.append("its address is a proxied-connection address") }
            if request.head.headers.contains(name: "Via") || request.head.headers.contains(name: "Forwarded") || request.head.headers.contains(name: "X-Forwarded-For") {
                hints.append("the request carries proxy headers (Via, Forwarded or X-Forwarded-For)")
            }
            stripped = StrippedHeaders(names: headers, peer: connection.peer, proxyHints: hints)
            let names = headers.joined(separator: ", ")
            let message = "removed forwarded-certificate header(s) \(names): \(connection.peer) is not a certificate forwarder\(connection.role.proxied ? " (a proxied connection such as a CONNECT tunnel carries the client's own TLS and headers)" : ""); the request is judged on its own TLS identity"
            trace.record(.source, .failed, message)
            service.events.publish(.security(SecurityEvent(category: .spoof, connection: connection.id, peer: connection.peer, message: message)))
            return .proceed(nil)
        case .malformed(let error):
            service.events.publish(.security(SecurityEvent(category: .malformedForwardedHeader, connection: connection.id, peer: connection.peer, message: error.description)))
            let (head, body) = DecisionResponse.error(.badRequest, message: error.description, version: request.head.version)
            write(context: context, head: head, body: body, keepAlive: false)
            return .answered
        }
    }

    /// A forwarded certificate from a forwarder, else the connection's TLS peer certificate
    /// (unless that is the forwarder's own certificate, which never stands for a user).
    private func certificateSource(forwarded: ForwardedCertificate?) -> CertificateSource {
        if let forwarded {
            return .forwarded(format: forwarded.format.rawValue, header: forwarded.headerName, leaf: forwarded.leaf, chain: forwarded.chain, element: forwarded.xfccElement)
        }
        let presented = connection.presented.certificates
        guard let leaf = presented.first, !connection.role.certificateIsForwarderIdentity else { return .none }
        return .tls(leaf: leaf, chain: Array(presented.dropFirst()))
    }

    private func mapCertificate(_ source: CertificateSource, context: ChannelHandlerContext, request: PendingRequest, proxy: ProxyIndication, snapshot: ConfigSnapshot, trace: DecisionTrace) {
        var trace = trace
        trace.record(.source, source.leaf == nil ? .info : .passed, source.explanation)
        guard let leaf = source.leaf else {
            let decision = snapshot.engine.decide(AuthenticationRequest(path: request.head.uri, certificate: nil, check: nil), trace: trace)
            finish(context: context, request: request, proxy: proxy, source: source.label, certificate: nil, decision: decision)
            return
        }
        let decideAndFinish = { (check: CertificateCheck) in
            let decision = snapshot.engine.decide(AuthenticationRequest(path: request.head.uri, certificate: leaf, check: check), trace: trace)
            self.finish(context: context, request: request, proxy: proxy, source: source.label, certificate: leaf, decision: decision)
        }
        // Validation is cached per certificate and generation; only a certificate not seen yet
        // pays for the hop to a task (chain building may load CRLs).
        if let cached = service.cachedCheck(leaf, generation: snapshot.generation) {
            decideAndFinish(cached)
            return
        }
        let service = self.service
        let checking = context.eventLoop.makeFutureWithTask {
            try await service.check(leaf, chain: source.chain, generation: snapshot.generation)
        }
        checking.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let check): decideAndFinish(check)
            case .failure(let error): decideAndFinish(CertificateCheck(verdict: .untrusted, notes: ["trust configuration could not be loaded: \(error)"]))
            }
        }
    }

    private func finish(context: ChannelHandlerContext, request: PendingRequest, proxy: ProxyIndication, source: String, certificate: CertificateIdentity?, decision: Decision) {
        var decision = stripped.map { decision.adding(DecisionFacts(strippedHeaders: $0)) } ?? decision
        stripped = nil
        if let forwarded = forwardedProvenance {
            decision = decision.adding(DecisionFacts(forwarded: forwarded))
            forwardedProvenance = nil
        }
        let traceID = service.nextTraceID()
        if let certificate { service.recordCertificate(certificate) }
        let mode = authentication.persistence.description
        let wasReset = authentication.record(decision, certificateSubject: certificate?.subject.rfc2253, requestIsProxied: proxy.isProxied)
        if wasReset {
            // The reset after this request is part of its story: it goes in the trace the record carries.
            let note = authentication.persistence.remapAfterReset ? "the next request maps its certificate again" : "the next request will NOT be mapped again (remapAfterReset off)"
            decision = decision.appending(TraceStep(stage: .reset, outcome: .info, summary: "authentication reset after request \(requestIndex) (\(proxy.isProxied ? "proxied" : "singleRequest")); \(note)"))
        }
        let keepAlive = request.head.isKeepAlive
        let body = DecisionResponse.body(for: decision, traceID: traceID)
        let head = DecisionResponse.head(for: decision, traceID: traceID, version: request.head.version, keepAlive: keepAlive, bodyLength: body.utf8.count)
        let record = RequestRecord(
            traceID: traceID, connection: connection.id, request: requestIndex, method: request.head.method.rawValue, path: request.head.uri,
            peer: connection.peer, route: proxy.route, proxied: proxy.isProxied, mode: mode,
            certificateSource: source, certificate: certificate.map(CertificateSummary.init), decision: decision,
            durationMicros: Int((NIODeadline.now() - request.started).nanoseconds / 1000), run: service.run
        )
        if early != nil {
            let answer = CertMapAnswer(record: record, head: head, body: body, keepAlive: keepAlive)
            finishEarly(context: context, request: request.head, decision: decision, certificate: certificate, answer: answer)
            return
        }
        publish(record)
        write(context: context, head: head, body: body, keepAlive: keepAlive)
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
        lifecycle?.responseSent()
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    /// Whether a response is streaming from the application (the idle timeout must not cut it).
    var isStreaming: Bool { exchange != nil }

    /// NIO's protocol error handler has already answered 400 and the decoder closes the
    /// connection; record why, so the operator sees malformed HTTP as an event.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is HTTPParserError {
            service.events.publish(.security(SecurityEvent(category: .malformedRequest, connection: connection.id, peer: connection.peer, message: "malformed HTTP request: \(error); answered 400 and closed")))
        }
        context.close(promise: nil)
    }

    var requestCount: Int { requestIndex }
}
