#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Acknowledges the client's handshake segments at once (Linux `TCP_QUICKACK`) for the first few
/// reads of a connection, then steps aside.
///
/// In TLS 1.3 the client's last handshake flight gets no reply from the server (BoringSSL sends
/// its session tickets with the first response), so the kernel delays the ACK by up to 40 ms;
/// a client that does not disable Nagle (ApacheBench, Python's ssl module) holds its request back
/// until that ACK, and every new connection's first request waited ~40 ms. nginx avoids this by
/// sending tickets immediately; acknowledging quickly fixes it without extra bytes.
final class HandshakeQuickAck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var remaining: Int

    init(reads: Int = 4) {
        self.remaining = reads
    }

    func channelActive(context: ChannelHandlerContext) {
        quickAck(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        quickAck(context)
        remaining -= 1
        if remaining <= 0 {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func quickAck(_ context: ChannelHandlerContext) {
        #if os(Linux)
        _ = try? context.channel.syncOptions?.setOption(.tcpOption(.init(rawValue: CInt(TCP_QUICKACK))), value: 1)
        #endif
    }
}
