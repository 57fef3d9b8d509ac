import CertMapCore
import CertMapJournal
import Foundation
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// Owns one connection's life between TLS and HTTP: admits it under `maxConnections`, waits for
/// the handshake, judges the peer's proxy role (proxied, certificate forwarder), installs the HTTP handlers,
/// enforces the handshake/header-read deadline (slowloris) and the idle timeout, and reports the
/// connection opening, failing and closing as events. It sees decrypted bytes before the HTTP
/// decoder, which is how it knows when a request starts arriving.
final class ConnectionLifecycleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let service: AuthenticationService
    private let presented: PresentedChain
    private let limits: ServerLimits
    private let gateway: GatewayRuntime?
    private var id: ConnectionID?
    /// The peer's IP address, as admitted (per-address connection limit).
    private var address: String?
    private var peer = "?"
    private var requestHandler: RequestAuthenticationHandler?
    /// What must arrive by when: the handshake, then each request head once it starts.
    private var pendingDeadline: PendingDeadline?
    /// One timer per connection, re-armed only when it fires early or a nearer deadline comes:
    /// a keep-alive connection does not schedule and cancel a task for every request.
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?

    private struct PendingDeadline {
        let at: NIODeadline
        let what: String
        let seconds: Double
        let setting: String
    }
    private var receivingRequest = false
    private var closeReason = "closed by the client"

    init(service: AuthenticationService, presented: PresentedChain, limits: ServerLimits, gateway: GatewayRuntime?) {
        self.gateway = gateway
        self.service = service
        self.presented = presented
        self.limits = limits
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(\.displayText) ?? "?"
        let address = context.channel.remoteAddress?.ipAddress ?? peer
        switch service.openConnection(from: address, limits: limits) {
        case .admitted(let id):
            self.id = id
            self.address = address
        case .full:
            refuse(context: context, "connection refused: \(limits.maxConnections) connections are already open (server.limits.maxConnections)")
            return
        case .addressFull:
            refuse(context: context, "connection refused: \(limits.maxConnectionsPerAddress) connections from \(address) are already open (server.limits.maxConnectionsPerAddress)")
            return
        }
        armDeadline(context: context, what: "TLS handshake", seconds: limits.handshakeTimeoutSeconds, setting: "handshakeTimeoutSeconds")
        context.fireChannelActive()
    }

    private func refuse(context: ChannelHandlerContext, _ message: String) {
        service.events.publish(.security(SecurityEvent(category: .limit, connection: nil, peer: peer, message: message)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        pendingDeadline = nil
        if let id, let address {
            service.closeConnection(from: address)
            service.events.publish(.connectionClosed(ConnectionClosed(connection: id, requests: requestHandler?.requestCount ?? 0, reason: closeReason)))
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            pendingDeadline = nil
            QuickAck.now(context.channel)
            handshakeCompleted(context: context)
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, requestHandler?.isStreaming != true {
            // (A response streaming from the application may keep the client silent for long.)
            closeReason = "idle for \(limits.idleTimeoutSeconds)s (server.limits.idleTimeoutSeconds)"
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !receivingRequest {
            receivingRequest = true
            armDeadline(context: context, what: "request head")
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let message: String
        switch error {
        case is NIOSSLError, is BoringSSLError: message = "TLS: " + TLSFailureText.describe(error)
        case let error as HTTPParserError: message = "malformed HTTP: \(error)"
        default: message = "connection error: \(error)"
        }
        closeReason = message
        let category: SecurityEvent.Category = error is HTTPParserError ? .malformedRequest : .tls
        service.events.publish(.security(SecurityEvent(category: category, connection: id, peer: peer, message: message)))
        context.close(promise: nil)
    }

    /// Called by the request handler when a complete request head has arrived.
    func requestHeadReceived() {
        pendingDeadline = nil
    }

    /// Called by the request handler when its response is written: the next bytes start a new request.
    func responseSent() {
        receivingRequest = false
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        guard let id else { return }
        if self.presented.certificates.isEmpty, let leaf = try? context.pipeline.syncOperations.nioSSL_peerCertificate() {
            self.presented.adoptResumedSessionLeaf(leaf)
        }
        let presented = self.presented.certificates
        let address = context.channel.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        let role = service.proxyTrust.role(address: address, leaf: presented.first)
        let version = try? context.pipeline.syncOperations.nioSSL_tlsVersion()
        service.events.publish(.connectionOpened(ConnectionOpened(
            connection: id, peer: peer, local: context.channel.localAddress.map(\.displayText) ?? "?", peerIsTrustedProxy: role.proxied,
            tlsVersion: version.map(Self.describe), cipherSuite: nil, certificate: presented.first.map(CertificateSummary.init),
            forwarder: role.forwarder
        )))
        let info = ConnectionInfo(id: id, peer: peer, role: role, presented: self.presented)
        let handler = RequestAuthenticationHandler(service: service, connection: info, limits: limits, gateway: gateway, lifecycle: self)
        requestHandler = handler
        do {
            let sync = context.pipeline.syncOperations
            // NIO's decoder gives up (400) past its own limits, 80 KiB by default; they are set
            // above certmap's so a head over `maxHeaderBytes` gets certmap's 431, whatever the setting.
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderListSize = max(decoderLimits.maxHeaderListSize, min(limits.maxHeaderBytes, Int.max / 2) * 2)
            decoderLimits.maxHeaderFieldSize = max(decoderLimits.maxHeaderFieldSize, min(limits.maxHeaderBytes, Int.max / 2) * 2)
            try sync.configureHTTPServerPipeline(
                position: .after(self), withPipeliningAssistance: true, withErrorHandling: true, withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: decoderLimits)
            try sync.addHandler(handler)
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    /// The TLS handshake gets its own, short deadline (a connection that never speaks TLS holds
    /// a slot for nothing); a request head gets `headerReadTimeoutSeconds` once it starts.
    private func armDeadline(context: ChannelHandlerContext, what: String, seconds: Double? = nil, setting: String = "headerReadTimeoutSeconds") {
        let seconds = seconds ?? limits.headerReadTimeoutSeconds
        let at = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
        pendingDeadline = PendingDeadline(at: at, what: what, seconds: seconds, setting: setting)
        if let timerAt, timerAt <= at, timer != nil { return }
        schedule(context: context, at: at)
    }

    private func schedule(context: ChannelHandlerContext, at: NIODeadline) {
        timer?.cancel()
        timerAt = at
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: at) {
            let (handler, context) = loopBound.value
            handler.timerFired(context: context)
        }
    }

    /// The deadline in force may have been met (nothing pending), moved later (re-arm for it),
    /// or passed (expire).
    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        timerAt = nil
        guard let pending = pendingDeadline else { return }
        guard NIODeadline.now() >= pending.at else {
            schedule(context: context, at: pending.at)
            return
        }
        pendingDeadline = nil
        deadlineExpired(context: context, what: pending.what, seconds: pending.seconds, setting: pending.setting)
    }

    private func deadlineExpired(context: ChannelHandlerContext, what: String, seconds: Double, setting: String) {
        closeReason = "\(what) not received within \(seconds)s (server.limits.\(setting))"
        service.events.publish(.security(SecurityEvent(category: .limit, connection: id, peer: peer, message: closeReason)))
        if what == "request head" {
            let body = "408 Request Timeout: \(closeReason)\n"
            var buffer = context.channel.allocator.buffer(capacity: 128 + body.utf8.count)
            buffer.writeString("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    private static func describe(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: return "TLSv1"
        case .tlsv11: return "TLSv1.1"
        case .tlsv12: return "TLSv1.2"
        case .tlsv13: return "TLSv1.3"
        }
    }
}
