import CertMapCore
import CertMapJournal
import Foundation
import CertMapNIOSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// Owns one connection's life between TLS and HTTP: admits it under the connection limits,
/// judges the peer's proxy role (proxied, certificate forwarder) once the handshake is done and
/// tells the request handler (`ConnectionEstablished`), keeps the handshake and request-head
/// deadlines (slowloris) and the idle timeout through `ConnectionStateMachine`, and reports the
/// connection opening, failing and closing as events. It sees decrypted bytes before the HTTP
/// decoder, which is how it knows when a request starts arriving; the request handler tells it
/// the rest (`RequestProgress`).
final class ConnectionLifecycleHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: AuthenticationService
    private let presented: PresentedChain
    private var machine: ConnectionStateMachine
    private var id: ConnectionID?
    /// The peer's IP address, as admitted (per-address connection limit).
    private var address: String?
    private var peer = "?"
    private var timer: Scheduled<Void>?

    init(service: AuthenticationService, presented: PresentedChain, limits: ServerLimits) {
        self.service = service
        self.presented = presented
        self.machine = ConnectionStateMachine(limits: limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(\.displayText) ?? "?"
        let address = context.channel.remoteAddress?.ipAddress ?? peer
        let limits = machine.limits
        switch service.openConnection(from: address, limits: limits) {
        case .admitted(let id):
            self.id = id
            self.address = address
        case .full:
            refuse(context: context, address: address, "connection refused: \(limits.maxConnections) connections are already open (server.limits.maxConnections)")
            return
        case .addressFull:
            let (limit, setting) = service.perAddressLimit(for: address, limits: limits)
            refuse(context: context, address: address, "connection refused: \(limit) connections from \(address) are already open (server.limits.\(setting))")
            return
        }
        perform(machine.opened(now: .now()), context: context)
        context.fireChannelActive()
    }

    private func refuse(context: ChannelHandlerContext, address: String, _ message: String) {
        service.reportRefusedConnection(from: address, peer: peer, message: message)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        machine.closed()
        if let id, let address {
            service.closeConnection(from: address)
            service.events.publish(.connectionClosed(ConnectionClosed(connection: id, requests: machine.requests, reason: machine.closeReason)))
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            machine.handshakeCompleted()
            QuickAck.now(context.channel)
            handshakeCompleted(context: context)
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            perform(machine.idleTimedOut(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headReceived: machine.headReceived()
        case .responseStreaming: machine.responseStreaming()
        case .responseSent: machine.responseSent()
        }
        promise?.succeed(())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if machine.state == .idle { perform(machine.bytesReceived(now: .now()), context: context) }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if machine.state != .handshaking, Self.isClientHangUp(error) {
            // A client closing an established connection — without TLS close_notify (ab, many
            // HTTP clients) or with a reset — ends it; it is neither a handshake failure nor a
            // security event.
            context.close(promise: nil)
            return
        }
        let message: String
        var reason: String?
        switch error {
        case is NIOSSLError, is BoringSSLError:
            let failure = TLSFailureText.classify(error)
            message = "TLS: " + failure.text + (failure.suggestsDistrust ? Self.chainNote(service.serverChainProblem) : "")
            reason = failure.reason
        case let error as HTTPParserError: message = "malformed HTTP: \(error)"
        default: message = "connection error: \(error)"
        }
        machine.failed(message)
        let category: SecurityEvent.Category = error is HTTPParserError ? .malformedRequest : .tls
        service.events.publish(.security(SecurityEvent(category: category, connection: id, peer: peer, message: message, reason: reason)))
        context.close(promise: nil)
    }

    /// What certmap knows of its own side when a client seems not to trust it: its certificate
    /// file lacks an intermediate (the likely cause), or it sends its whole chain (then the client
    /// lacks the root).
    static func chainNote(_ problem: String?) -> String {
        guard let problem else { return "; certmap sends its whole chain up to the root, so the client probably lacks that root CA" }
        return "; and certmap's own chain is incomplete: \(problem)"
    }

    /// Errors that mean the peer went away, not that it misbehaved.
    private static func isClientHangUp(_ error: Error) -> Bool {
        if case NIOSSLError.uncleanShutdown = error { return true }
        if let error = error as? IOError { return [ECONNRESET, EPIPE].contains(error.errnoCode) }
        return false
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        guard let id else { return }
        // The verification callback runs only in a full handshake in which the client sent a
        // certificate; a certificate the session has without it came with a resumed session.
        var resumed: Bool? = self.presented.certificates.isEmpty ? nil : false
        if self.presented.certificates.isEmpty, let leaf = try? context.pipeline.syncOperations.nioSSL_peerCertificate() {
            self.presented.adoptResumedSessionLeaf(leaf)
            resumed = true
        }
        let presented = self.presented.certificates
        let address = context.channel.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        let role = service.generation.proxyTrust.role(address: address, leaf: presented.first)
        let version = try? context.pipeline.syncOperations.nioSSL_tlsVersion()
        service.events.publish(.connectionOpened(ConnectionOpened(
            connection: id, peer: peer, local: context.channel.localAddress.map(\.displayText) ?? "?", peerIsTrustedProxy: role.proxied,
            tlsVersion: version.map(Self.describe), cipherSuite: nil, certificate: presented.first.map(CertificateSummary.init),
            forwarder: role.forwarder, resumed: resumed
        )))
        context.fireUserInboundEventTriggered(ConnectionEstablished(info: ConnectionInfo(id: id, peer: peer, role: role, presented: presented, address: address)))
    }

    private func perform(_ action: ConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .scheduleTimer(let at):
            timer?.cancel()
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: at) {
                let (handler, context) = loopBound.value
                handler.timer = nil
                handler.perform(handler.machine.timerFired(now: .now()), context: context)
            }
        case .expire(let reason, let answer408):
            service.events.publish(.security(SecurityEvent(category: .limit, connection: id, peer: peer, message: reason, reason: "timeout")))
            guard answer408 else {
                context.close(promise: nil)
                return
            }
            let body = "408 Request Timeout: \(reason)\n"
            var buffer = context.channel.allocator.buffer(capacity: 128 + body.utf8.count)
            buffer.writeString("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            context.writeAndFlush(NIOAny(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .close:
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
