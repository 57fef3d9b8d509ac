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

/// A gateway request decided at its head: body parts that arrive before the decision wait here
/// (reading stops past `readAheadLimit`), and a refusal waits for the end of the request.
struct EarlyRequest {
    var buffered: [ByteBuffer] = []
    var bufferedBytes = 0
    /// Reading from the client was paused past `readAheadLimit`; whoever goes on resumes it.
    var readingPaused = false
    var ended = false
    /// certmap's own answer (a refusal, or a path without an upstream), once decided.
    var answer: CertMapAnswer?
    /// The body went over `server.limits.maxBodyBytes` before the decision.
    var tooLarge = false

    /// Body bytes held before the decision before reading from the client pauses.
    static let readAheadLimit = 256 * 1024
}

/// Gateway mode (docs/gateway.md): allowed requests go to the application, streamed; refusals
/// are answered by certmap and never reach it.
extension RequestAuthenticationHandler {
    /// - Parameters:
    ///   - head: the request head as decided (its target normalised): what the application gets.
    ///   - decisionPath: the path its resource was matched on.
    func finishEarly(
        context: ChannelHandlerContext, request head: HTTPRequestHead, decisionPath: String, decision: Decision, certificate: CertificateIdentity?,
        answer: CertMapAnswer
    ) {
        guard var early else { return }
        let snapshot = service.configuration.current
        let settings = snapshot.document.server.gateway
        let resource = snapshot.engine.policy.resource(for: decisionPath)
        let expectsContinue = head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
        if early.tooLarge {
            self.early = nil
            publish(answer.record)
            reject(context: context, status: .payloadTooLarge, message: bodyLimitMessage, version: head.version)
            return
        }
        guard decision.isAllowed, let gateway, let upstream = gateway.upstream(for: resource, settings: settings) else {
            // Refused (or no upstream for this path): certmap answers, once the request has ended —
            // or now, without reading a body the client is still holding back for 100-continue.
            early.answer = answer
            if early.ended || expectsContinue {
                self.early = nil
                publish(answer.record)
                write(context: context, head: answer.head, body: answer.body, keepAlive: answer.keepAlive && early.ended)
            } else {
                // Read (and drop) the rest of the body until the request ends.
                if early.readingPaused { try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true) }
                early.readingPaused = false
                self.early = early
            }
            return
        }
        let account = decision.account
        let identity = GatewayIdentity(
            account: account, groups: account.flatMap { snapshot.engine.policy.accounts[$0]?.groups } ?? [], mapping: decision.mapping,
            decision: decision.statusText, certificateDER: settings.forwardClientCertificate ? certificate?.der : nil)
        let upstreamHead = GatewayHeads.request(
            head, upstream: upstream, identity: identity, names: settings.identityHeaders,
            clientAddress: context.channel.remoteAddress?.ipAddress ?? "unknown",
            forwardedCertificateHeaders: snapshot.document.server.forwardedHeaders.allHeaderNames)
        let record = answer.record
        let exchange = GatewayExchange(
            context: context, runtime: gateway, clientReadingPaused: early.readingPaused,
            request: GatewayExchange.Request(
                upstreamHead: upstreamHead, clientHead: head, upstream: upstream, settings: settings, traceID: record.traceID, decision: decision.statusText),
            ended: { [weak self] ending in self?.exchangeEnded(context: context, ending, record: record, version: head.version) })
        self.early = nil
        self.exchange = exchange
        context.triggerUserOutboundEvent(RequestProgress.responseStreaming, promise: nil)
        if expectsContinue && !early.ended {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        exchange.start()
        for buffer in early.buffered { exchange.clientBody(buffer) }
        if early.ended { exchange.clientEnd() }
    }

    func gatewayBody(context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        gatewayBodyBytes += buffer.readableBytes
        if let exchange {
            guard gatewayBodyBytes <= limits.maxBodyBytes else {
                exchange.abort(status: .payloadTooLarge, message: bodyLimitMessage)
                return
            }
            exchange.clientBody(buffer)
            return
        }
        guard var early else { return }
        if gatewayBodyBytes > limits.maxBodyBytes { early.tooLarge = true }
        if early.answer == nil && !early.tooLarge {
            early.buffered.append(buffer)
            early.bufferedBytes += buffer.readableBytes
            if early.bufferedBytes > EarlyRequest.readAheadLimit && !early.readingPaused {
                try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                early.readingPaused = true
            }
        }
        self.early = early
    }

    func gatewayEnd(context: ChannelHandlerContext) {
        if let exchange {
            exchange.clientEnd()
            return
        }
        guard var early else { return }
        early.ended = true
        guard let answer = early.answer else {
            self.early = early
            return
        }
        self.early = nil
        publish(answer.record)
        write(context: context, head: answer.head, body: answer.body, keepAlive: answer.keepAlive)
    }

    private func exchangeEnded(context: ChannelHandlerContext, _ ending: GatewayExchange.Ending, record: RequestRecord, version: HTTPVersion) {
        exchange = nil
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
