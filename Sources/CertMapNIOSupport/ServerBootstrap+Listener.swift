import NIOCore
import NIOPosix

extension ServerBootstrap {
    /// A listening socket as the server and both proxies open theirs: a backlog of 256, the
    /// address reusable at once after a restart, and Nagle off on every accepted connection
    /// (responses are small and must not wait for an ACK).
    public static func listener(group: EventLoopGroup) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    }
}
