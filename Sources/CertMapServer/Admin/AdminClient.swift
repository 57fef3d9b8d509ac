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
        // The first message is the hello, whenever it comes (it may come before `connect` returns).
        let loop = group.next()
        let helloPromise = loop.makePromise(of: AdminMessage.self)
        let helloSettled = NIOLockedValueBox(false)
        let settle = { @Sendable (result: Result<AdminMessage, Error>) -> Bool in
            guard helloSettled.withLockedValue({ settled in defer { settled = true }; return !settled }) else { return false }
            helloPromise.completeWith(result)
            return true
        }
        let bootstrap = ClientBootstrap(group: loop).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if case .tls(_, let context) = endpoint {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(AdminClientHandler { result in
                    switch result {
                    case .success(let message):
                        if settle(.success(message)) {
                            return
                        } else if message.type == .result, let id = message.id,
                            let waiting = pending.withLockedValue({ $0.waiting.removeValue(forKey: id) }) {
                            waiting.resume(returning: message)
                        } else {
                            continuation.yield(message)
                        }
                    case .failure(let error):
                        _ = settle(.failure(error))
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
            _ = settle(.failure(error))
            throw AdminProtocolError("\(path): cannot connect (\(error)); is certmap serve running?")
        }
        let timer = loop.scheduleTask(in: TimeAmount(timeout)) {
            _ = settle(.failure(AdminProtocolError("\(path): the server did not say hello within \(timeout)")))
        }
        let hello: AdminMessage
        do {
            hello = try await helloPromise.futureResult.get()
            timer.cancel()
        } catch {
            timer.cancel()
            try? await channel.close()
            throw error
        }
        guard hello.type == .hello else {
            try? await channel.close()
            throw AdminProtocolError("\(path): \(hello.message ?? "the server did not say hello")")
        }
        return AdminClient(path: path, hello: hello, messages: stream, channel: channel, pending: pending)
    }

    /// Sends a command and waits for its result (at most `timeout`: a scenario takes its time).
    public func send(_ command: AdminMessage, timeout: Duration = .seconds(300)) async throws -> AdminMessage {
        var command = command
        let id = pending.withLockedValue { state -> Int in
            defer { state.next += 1 }
            return state.next
        }
        command.id = id
        let line = try command.line()
        let pending = self.pending
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            if let waiting = pending.withLockedValue({ $0.waiting.removeValue(forKey: id) }) {
                waiting.resume(throwing: AdminProtocolError("\(self.path): no answer to \(command.type.rawValue) within \(timeout)"))
            }
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLockedValue { $0.waiting[id] = continuation }
            channel.writeAndFlush(ByteBuffer(bytes: line)).whenFailure { error in
                if let waiting = pending.withLockedValue({ $0.waiting.removeValue(forKey: id) }) { waiting.resume(throwing: error) }
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

extension TimeAmount {
    /// The same span as NIO's time amount (for a timer on an event loop).
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
