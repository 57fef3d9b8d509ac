import CertMapNIOSupport
import NIOCore
import NIOTLS

/// For the reverse proxy: acknowledges at once when the client's TLS handshake completes, then
/// leaves the pipeline.
final class HandshakeQuickAck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            QuickAck.now(context.channel)
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
