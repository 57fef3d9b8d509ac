import CertMapNIOSupport
import NIOCore

/// Relays bytes between two channels on the same event loop, with backpressure: a side reads
/// only while its partner can write. Used for CONNECT tunnels (the TLS session passes through
/// untouched, end to end between the client and the server).
///
/// Both channels must share one event loop; the pair then touches each other's context only
/// from that loop.
final class GlueHandler {
    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    /// Reads after which this side acknowledges at once (the tunnelled TLS handshake, so a
    /// Nagle-bound client's first request is not held 40 ms behind its Finished message).
    private var quickAcks = 0
    /// Bytes relayed from this side to the partner.
    private(set) var bytesRelayed = 0
    private let onClose: ((Int) -> Void)?

    private init(onClose: ((Int) -> Void)?) {
        self.onClose = onClose
    }

    /// Two linked handlers: add the first to one channel and the second to the other. `onClose`
    /// is called once, with the bytes relayed both ways, when the first side goes inactive.
    static func matchedPair(onClose: ((Int) -> Void)? = nil) -> (GlueHandler, GlueHandler) {
        let first = GlueHandler(onClose: onClose)
        first.quickAcks = 4
        let second = GlueHandler(onClose: nil)
        first.partner = second
        second.partner = first
        return (first, second)
    }

    private func partnerWrite(_ buffer: ByteBuffer) {
        context?.write(NIOAny(buffer), promise: nil)
    }

    private func partnerFlush() {
        context?.flush()
    }

    private func partnerWriteEOF() {
        context?.close(mode: .output, promise: nil)
    }

    private func partnerCloseFull() {
        context?.close(promise: nil)
    }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    private var partnerWritable: Bool {
        context?.channel.isWritable ?? false
    }
}

extension GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytesRelayed += buffer.readableBytes
        partner?.partnerWrite(buffer)
        if quickAcks > 0 {
            quickAcks -= 1
            QuickAck.now(context.channel)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let onClose {
            onClose(bytesRelayed + (partner?.bytesRelayed ?? 0))
        }
        partner?.partnerCloseFull()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            partner?.partnerWriteEOF()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        partner?.partnerCloseFull()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            partner?.partnerBecameWritable()
        }
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.partnerWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
