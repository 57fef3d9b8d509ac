import CertMapCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// The client side of the admin socket: connects, reads the server's hello, then hands over
/// every message as it arrives (`messages`) and sends commands, each answered by its `result`.
public final class AdminClient: Sendable {
    public let path: String
    /// The server's hello: instance, address, mode and configuration at connection time.
    public let hello: AdminMessage
    /// Every message after the hello, in order; ends when the connection does.
    public let messages: AsyncStream<AdminMessage>
    private let channel: Channel
    private let pending: NIOLockedValueBox<(next: Int, waiting: [Int: CheckedContinuation<AdminMessage, Error>])>

    private init(path: String, hello: AdminMessage, messages: AsyncStream<AdminMessage>, channel: Channel, pending: NIOLockedValueBox<(next: Int, waiting: [Int: CheckedContinuation<AdminMessage, Error>])>) {
        self.path = path
        self.hello = hello
        self.messages = messages
        self.channel = channel
        self.pending = pending
    }

    /// Where an admin endpoint is: a Unix socket, or a TCP address spoken to over TLS with a
    /// client certificate (the server admits accounts in its `admins` group).
    public enum Endpoint: Sendable {
        case socket(String)
        case tls(ListenAddress, NIOSSLContext)
    }

    /// Connects to the admin socket at `path` and waits (at most `timeout`) for its hello.
    public static func connect(path: String, group: EventLoopGroup, timeout: Duration = .seconds(5)) async throws -> AdminClient {
        try await connect(to: .socket(path), group: group, timeout: timeout)
    }

    /// Connects to an admin endpoint and waits (at most `timeout`) for its hello.
    public static func connect(to endpoint: Endpoint, group: EventLoopGroup, timeout: Duration = .seconds(5)) async throws -> AdminClient {
        let path: String
        switch endpoint {
        case .socket(let socket):
            path = socket
            guard FileManager.default.fileExists(atPath: socket) else {
                throw AdminProtocolError("\(socket): no admin socket there (start certmap serve, which creates <home>/admin.sock, or pass its --admin path)")
            }
        case .tls(let address, _):
            path = address.description
        }
        let (stream, continuation) = AsyncStream.makeStream(of: AdminMessage.self, bufferingPolicy: .bufferingNewest(100_000))
        let pending = NIOLockedValueBox<(next: Int, waiting: [Int: CheckedContinuation<AdminMessage, Error>])>((1, [:]))
        let helloPromise = NIOLockedValueBox<CheckedContinuation<AdminMessage, Error>?>(nil)
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if case .tls(_, let context) = endpoint {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(AdminClientHandler { result in
                    switch result {
                    case .success(let message):
                        if let waiting = helloPromise.withLockedValue({ promise -> CheckedContinuation<AdminMessage, Error>? in defer { promise = nil }; return promise }) {
                            waiting.resume(returning: message)
                        } else if message.type == .result, let id = message.id,
                            let waiting = pending.withLockedValue({ $0.waiting.removeValue(forKey: id) }) {
                            waiting.resume(returning: message)
                        } else {
                            continuation.yield(message)
                        }
                    case .failure(let error):
                        helloPromise.withLockedValue { promise in promise?.resume(throwing: error); promise = nil }
                        for waiting in pending.withLockedValue({ state in defer { state.waiting = [:] }; return Array(state.waiting.values) }) {
                            waiting.resume(throwing: error)
                        }
                        continuation.finish()
                    }
                })
            }
        }
        let channel: Channel
        do {
            switch endpoint {
            case .socket(let socket): channel = try await bootstrap.connect(unixDomainSocketPath: socket).get()
            case .tls(let address, _): channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            }
        } catch {
            throw AdminProtocolError("\(path): cannot connect (\(error)); is certmap serve running?")
        }
        let hello: AdminMessage
        do {
            hello = try await withThrowingTaskGroup(of: AdminMessage.self) { group in
                group.addTask { try await withCheckedThrowingContinuation { continuation in helloPromise.withLockedValue { $0 = continuation } } }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw AdminProtocolError("\(path): the server did not say hello within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch {
            try? await channel.close()
            throw error
        }
        guard hello.type == .hello else {
            try? await channel.close()
            throw AdminProtocolError("\(path): \(hello.message ?? "the server did not say hello")")
        }
        return AdminClient(path: path, hello: hello, messages: stream, channel: channel, pending: pending)
    }

    /// Sends a command and waits for its result.
    public func send(_ command: AdminMessage) async throws -> AdminMessage {
        var command = command
        let id = pending.withLockedValue { state -> Int in
            defer { state.next += 1 }
            return state.next
        }
        command.id = id
        let line = try command.line()
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLockedValue { $0.waiting[id] = continuation }
            channel.writeAndFlush(ByteBuffer(bytes: line)).whenFailure { error in
                if let waiting = self.pending.withLockedValue({ $0.waiting.removeValue(forKey: id) }) { waiting.resume(throwing: error) }
            }
        }
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Decodes lines into messages; the connection's end or a line of another protocol version ends it.
private final class AdminClientHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let deliver: @Sendable (Result<AdminMessage, Error>) -> Void

    init(deliver: @escaping @Sendable (Result<AdminMessage, Error>) -> Void) {
        self.deliver = deliver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            deliver(.success(try AdminMessage.parse(Data(unwrapInboundIn(data).readableBytesView))))
        } catch {
            deliver(.failure(error))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deliver(.failure(AdminProtocolError("the server closed the admin connection")))
        context.fireChannelInactive()
    }
}
