import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Sends the pending TCP acknowledgement right away (Linux `TCP_QUICKACK`).
///
/// A TLS 1.3 client writes its first request right behind its Finished message. If it leaves
/// Nagle's algorithm on (ApacheBench, many HTTP libraries) the request waits until Finished is
/// acknowledged, and Linux delays that ACK by 40 ms when the receiver has nothing to send yet:
/// every new connection's first request took 40 ms longer than with nginx (whose OpenSSL sends
/// session tickets at that moment, carrying the ACK). The server and both proxies call this when
/// a handshake completes.
public enum QuickAck {
    public static func now(_ channel: Channel) {
        #if os(Linux)
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK)))
        try? channel.syncOptions?.setOption(option, value: 1)
        #endif
    }
}
