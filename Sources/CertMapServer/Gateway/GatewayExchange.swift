import CertMapCore
import CertMapJournal
import NIOCore
import NIOHTTP1

/// One allowed request on its way to the application and the application's response on its way
/// back, streamed both ways with back-pressure: while the upstream connection cannot take more,
/// certmap stops reading from the client, and while the client cannot take more, it stops reading
/// from the application — so a 1 GB upload or download holds a few buffers, not the body.
///
/// Lives on the client connection's event loop; the upstream connection is opened on the same
/// loop (or taken from that loop's idle keep-alive connections), so nothing here crosses threads.
/// Failures before the response head become `502` (or `504` for the response timeout) answered
/// by certmap; after it, the client connection is closed, as there is no other way to say so.
final class GatewayExchange {
    /// What the exchange forwards and how it labels the response.
    struct Request {
        let upstreamHead: HTTPRequestHead
        let clientHead: HTTPRequestHead
        let upstream: UpstreamURL
        let settings: GatewaySettings
        let traceID: String
        let decision: String
    }

    /// How the exchange ended, for the request handler: the record's upstream outcome, whether
    /// the client connection stays open, and an error response (status and the sentence for the
    /// page) to write when no response was sent yet.
    struct Ending {
        let outcome: UpstreamOutcome
        let clientKeepAlive: Bool
        let errorResponse: (status: HTTPResponseStatus, message: String)?
    }

    private let context: ChannelHandlerContext
    private let runtime: GatewayRuntime
    private let request: Request
    private let ended: (Ending) -> Void
    private var upstream: Channel?
    private var buffered: [ByteBuffer] = []
    private var requestEnded = false
    private var responseHeadSent = false
    private var skipInformationalEnd = false
    private var clientKeepAlive = false
    private var upstreamKeepAlive = false
    private var status: Int?
    private var bytesSent = 0
    private var bytesReceived = 0
    private let started = NIODeadline.now()
    private var answered: NIODeadline?
    private var responseTimeout: Scheduled<Void>?
    private var isDone = false
    /// Whether reading from the client or the application is paused (so the common case, never
    /// paused, flips no channel option at all).
    private var clientPaused = false
    private var upstreamPaused = false

    /// - Parameter clientReadingPaused: reading from the client is already paused (the request
    ///   handler read ahead while the request was being decided); the exchange resumes it.
    init(context: ChannelHandlerContext, runtime: GatewayRuntime, clientReadingPaused: Bool, request: Request, ended: @escaping (Ending) -> Void) {
        self.clientPaused = clientReadingPaused
        self.context = context
        self.runtime = runtime
        self.request = request
        self.ended = ended
    }

    /// Connects (or takes an idle connection) and sends the head and whatever body has arrived.
    func start() {
        // An idle kept-alive connection on this loop: attach at once, no future in between.
        if let idle = runtime.idleConnection(to: request.upstream, on: context.eventLoop) {
            // Attached while the client's head is being read: the request's end (or its first
            // body part) flushes, so a small request goes out in one write.
            attach(idle, flush: false)
            return
        }
        let connecting = runtime.newConnection(to: request.upstream, on: context.eventLoop, settings: request.settings)
        connecting.hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel): self.attach(channel, flush: true)
            case .failure(let error): self.fail(GatewayFailureText.describe(error), status: .badGateway)
            }
        }
    }

    private func attach(_ channel: Channel, flush: Bool) {
        guard !isDone else {
            channel.close(promise: nil)
            return
        }
        guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self) else {
            channel.close(promise: nil)
            fail("the upstream connection has no response handler", status: .badGateway)
            return
        }
        handler.exchange = self
        upstream = channel
        channel.write(HTTPClientRequestPart.head(request.upstreamHead), promise: nil)
        for buffer in buffered { channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil) }
        buffered = []
        if requestEnded { channel.write(HTTPClientRequestPart.end(nil), promise: nil) }
        if flush || requestEnded { channel.flush() }
        armResponseTimeout()
        // Reading from the client paused while there was nowhere to send the body.
        setClientReading(channel.isWritable)
    }

    // MARK: From the client

    func clientBody(_ buffer: ByteBuffer) {
        guard !isDone else { return }
        bytesSent += buffer.readableBytes
        guard let upstream else {
            buffered.append(buffer)
            // Nothing to send it to yet: read no further than the buffer already holds.
            setClientReading(false)
            return
        }
        upstream.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        if !upstream.isWritable { setClientReading(false) }
    }

    func clientEnd() {
        requestEnded = true
        guard !isDone, let upstream else { return }
        upstream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// The client connection can take more again (or not): read from the application accordingly.
    func clientWritabilityChanged(_ isWritable: Bool) {
        guard !isDone else { return }
        setUpstreamReading(isWritable)
    }

    /// The client went away mid-exchange: the upstream connection cannot be reused.
    func clientClosed() {
        guard !isDone else { return }
        finish(failure: "the client closed the connection before the response was complete", keepAlive: false, error: nil, reuse: false)
    }

    /// The request body went over the limit while streaming: stop, and answer 413 (with
    /// `message`, the client's fault, not the application's) if still possible.
    func abort(status: HTTPResponseStatus, message: String) {
        fail(message, status: status, page: message)
    }

    // MARK: From the application

    func upstreamHead(_ head: HTTPResponseHead) {
        guard !isDone else { return }
        if head.status.code >= 100 && head.status.code < 200 && head.status != .switchingProtocols {
            skipInformationalEnd = true  // certmap answered Expect itself; drop the app's own 1xx
            return
        }
        responseTimeout?.cancel()
        answered = .now()
        status = Int(head.status.code)
        upstreamKeepAlive = head.isKeepAlive
        clientKeepAlive = GatewayHeads.clientKeepAlive(request: request.clientHead, response: head)
        let clientHead = GatewayHeads.response(
            head, clientVersion: request.clientHead.version, keepAlive: clientKeepAlive, traceID: request.traceID, decision: request.decision)
        responseHeadSent = true
        // Written, not flushed: the end of this read from the application flushes
        // (`upstreamReadComplete`), so head, body and end of a small response leave in one write.
        context.write(NIOAny(HTTPServerResponsePart.head(clientHead)), promise: nil)
    }

    func upstreamBody(_ buffer: ByteBuffer) {
        guard !isDone, responseHeadSent else { return }
        bytesReceived += buffer.readableBytes
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        if !context.channel.isWritable { setUpstreamReading(false) }
    }

    func upstreamEnd() {
        if skipInformationalEnd {
            skipInformationalEnd = false
            return
        }
        guard !isDone else { return }
        finish(failure: nil, keepAlive: clientKeepAlive, error: nil, reuse: upstreamKeepAlive && requestEnded)
    }

    /// A read from the application is complete: send on what it brought.
    func upstreamReadComplete() {
        guard !isDone, responseHeadSent else { return }
        context.flush()
    }

    func upstreamWritabilityChanged(_ isWritable: Bool) {
        guard !isDone else { return }
        setClientReading(isWritable)
    }

    func upstreamFailed(_ description: String) {
        fail(description, status: .badGateway)
    }

    // MARK: Ending

    private func armResponseTimeout() {
        let seconds = request.settings.responseTimeoutSeconds
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        responseTimeout = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            let exchange = bound.value
            guard !exchange.responseHeadSent else { return }
            exchange.fail("no response head within \(Self.seconds(seconds)) (server.gateway.responseTimeoutSeconds)", status: .gatewayTimeout)
        }
    }

    /// - Parameter page: what the error page says (default: the application did not answer, and why).
    private func fail(_ description: String, status: HTTPResponseStatus, page: String? = nil) {
        guard !isDone else { return }
        let error = responseHeadSent ? nil : (status, page ?? "the application at \(request.upstream) did not answer: \(description)")
        finish(failure: description, keepAlive: false, error: error, reuse: false)
    }

    private func finish(failure: String?, keepAlive: Bool, error: (status: HTTPResponseStatus, message: String)?, reuse: Bool) {
        isDone = true
        responseTimeout?.cancel()
        setClientReading(true)
        if let upstream {
            (try? upstream.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self))?.exchange = nil
            if reuse, failure == nil {
                setUpstreamReading(true)
                runtime.release(upstream, to: request.upstream, maxIdle: request.settings.maxIdleConnections)
            } else {
                upstream.close(promise: nil)
            }
        }
        upstream = nil
        buffered = []
        let latency = ((answered ?? .now()) - started).nanoseconds / 1000
        let outcome = UpstreamOutcome(
            upstream: request.upstream.description, status: status, latencyMicros: Int(latency), bytesSent: bytesSent, bytesReceived: bytesReceived,
            failure: failure)
        ended(Ending(outcome: outcome, clientKeepAlive: keepAlive, errorResponse: error))
    }

    private func setClientReading(_ on: Bool) {
        guard clientPaused == on else { return }
        clientPaused = !on
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
    }

    /// The upstream connection lives on this event loop, so its options are set synchronously.
    private func setUpstreamReading(_ on: Bool) {
        guard upstreamPaused == on, let upstream else { return }
        upstreamPaused = !on
        try? upstream.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
        if on { upstream.read() }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
