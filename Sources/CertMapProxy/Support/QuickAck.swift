import Foundation
import NIOCore
import NIOTLS

/// Sends the pending TCP acknowledgement right away (Linux `TCP_QUICKACK`).
///
/// A TLS 1.3 client that keeps Nagle on (ApacheBench, many HTTP libraries) holds its first
/// request until its Finished message is acknowledged, and Linux delays that ACK by 40 ms when
/// the receiver has nothing to send: every new connection's first request took 40 ms. The server
/// does the same (`ConnectionLifecycleHandler`); the proxies need it on their client side too.
enum QuickAck {
    static func now(_ channel: Channel) {
        #if os(Linux)
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK)))
        try? channel.syncOptions?.setOption(option, value: 1)
        #endif
    }
}

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
