import CertMapCore
import CertMapJournal
import Foundation
import NIOCore
import CertMapNIOSupport
import NIOExtras
import NIOPosix
import NIOSSL
import NIOTLS

/// The admin endpoint of `certmap serve` (docs/admin-protocol.md): a Unix socket, mode 0600 so
/// only the server's user can use it, through which a console attaches (`certmap --attach PATH`):
/// it streams every event and takes the console's commands (mode switch, configuration edits
/// with the lost-update check).
public final class AdminServer: Sendable {
    private let channel: Channel
    /// Where it listens: the socket path, or `HOST:PORT` for TLS.
    public let address: String
    /// The socket file to remove when it stops (nil over TCP).
    private let socketFile: String?

    private init(channel: Channel, address: String, socketFile: String?) {
        self.channel = channel
        self.address = address
        self.socketFile = socketFile
    }

    /// Listens on `path`. A socket file left by a server that is gone is replaced; one a running
    /// server answers on is an error, never taken over.
    /// - Parameter scenarios: runs a named scenario against this server and says how it went (nil: none here).
    public static func start(
        service: AuthenticationService, path: String, listen: String, group: EventLoopGroup, scenarios: (@Sendable (String) async -> String)? = nil
    ) async throws -> AdminServer {
        let limit = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
        guard path.utf8.count <= limit else {
            throw ServerError.bind(address: path, detail: "the admin socket path is \(path.utf8.count) bytes and a Unix socket's may be at most \(limit); choose a shorter --admin path")
        }
        if FileManager.default.fileExists(atPath: path) {
            if let existing = try? await ClientBootstrap(group: group).connect(unixDomainSocketPath: path).get() {
                try? await existing.close()
                throw ServerError.bind(address: path, detail: "another certmap serve answers on \(path); stop it or pass --admin with another path")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        let bootstrap = ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(AdminConnectionHandler(service: service, listen: listen, scenarios: scenarios))
                }
            }
        let channel: Channel
        do {
            // Created 0600 from the start: no moment where another user could connect.
            let previous = umask(0o177)
            defer { umask(previous) }
            channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
        } catch {
            throw ServerError.bind(address: path, detail: "cannot listen on the admin socket \(path): \(error)")
        }
        chmod(path, 0o600)
        return AdminServer(channel: channel, address: path, socketFile: path)
    }

    /// Listens on a TCP address with TLS (`--admin 127.0.0.1:9900`), for consoles on other
    /// machines: the client must present a certificate, and certmap's own mapping engine admits
    /// it — the certificate must be valid and map to an account in the `admins` group.
    public static func start(
        service: AuthenticationService, address: ListenAddress, listen: String, group: EventLoopGroup, scenarios: (@Sendable (String) async -> String)? = nil
    ) async throws -> AdminServer {
        let document = service.configuration.current.document
        let tls = try ServerTLSContext.make(
            certificate: service.home.resolve(document.server.certificate), privateKey: service.home.resolve(document.server.privateKey),
            caBundle: service.home.resolve(document.trust.caBundle))
        let bootstrap = ServerBootstrap.listener(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let presented = PresentedChain()
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: tls, customVerificationCallback: presented.verificationCallback))
                    try sync.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try sync.addHandler(AdminAdmissionHandler(service: service, presented: presented, listen: listen, scenarios: scenarios))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: address.host, port: address.port).get()
        } catch {
            throw ServerError.bind(address: address.description, detail: BindProblem.describe(error, address: address.description, option: "--admin"))
        }
        let bound = channel.localAddress.map { "\($0.ipAddress ?? address.host):\($0.port ?? address.port)" } ?? address.description
        return AdminServer(channel: channel, address: bound, socketFile: nil)
    }

    public func stop() async {
        try? await channel.close()
        if let socketFile { try? FileManager.default.removeItem(atPath: socketFile) }
    }
}

/// Admits a TLS client to the admin protocol: after the handshake, its certificate is validated
/// and mapped like a request's, and only an account in the `admins` group gets the protocol;
/// anyone else gets one `error` line saying why, and the connection closes.
private final class AdminAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let group = "admins"

    private let service: AuthenticationService
    private let presented: PresentedChain
    private let listen: String
    private let scenarios: (@Sendable (String) async -> String)?

    init(service: AuthenticationService, presented: PresentedChain, listen: String, scenarios: (@Sendable (String) async -> String)?) {
        self.service = service
        self.presented = presented
        self.listen = listen
        self.scenarios = scenarios
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case TLSUserEvent.handshakeCompleted = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard let leaf = presented.certificates.first else {
            refuse(context: context, "not admitted: the admin endpoint needs a client certificate (certmap --attach HOST:PORT --attach-cert FILE --attach-key FILE)")
            return
        }
        let service = self.service
        let chain = Array(presented.certificates.dropFirst())
        let generation = service.generation
        let snapshot = generation.snapshot
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask {
            await service.check(leaf, chain: chain, in: generation)
        }.whenSuccess { check in
            let (handler, context) = loopBound.value
            let decision = snapshot.engine.decide(AuthenticationRequest(path: "/", certificate: leaf, check: check))
            guard let account = decision.account else {
                handler.refuse(context: context, "not admitted: \(leaf.subject.rfc2253) gets \(decision.statusText) (\(decision.summary)), so it maps to no account")
                return
            }
            guard snapshot.engine.policy.accounts[account]?.groups.contains(Self.group) == true else {
                handler.refuse(context: context, "not admitted: \(leaf.subject.rfc2253) maps to \(account), which is not in the \(Self.group) group")
                return
            }
            service.events.publish(.system(SystemEvent("admin: \(account) (\(leaf.subject.rfc2253)) attached from \(context.channel.remoteAddress.map(\.displayText) ?? "?")")))
            let sync = context.pipeline.syncOperations
            do {
                try sync.addHandler(AdminConnectionHandler(service: service, listen: handler.listen, scenarios: handler.scenarios))
                sync.removeHandler(context: context, promise: nil)
            } catch {
                context.close(promise: nil)
            }
        }
    }

    private func refuse(context: ChannelHandlerContext, _ message: String) {
        service.events.publish(.security(SecurityEvent(category: .limit, connection: nil, peer: context.channel.remoteAddress.map(\.displayText) ?? "?", message: "admin endpoint: \(message)")))
        var refusal = AdminMessage(.error)
        refusal.message = message
        guard let line = try? refusal.line() else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line))).whenComplete { _ in context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing is read before admission.
    }
}

/// One attached client: hello, then every event and state change as it happens; commands answered by id.
private final class AdminConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: AuthenticationService
    private let listen: String
    private let scenarios: (@Sendable (String) async -> String)?
    private var streaming: Task<Void, Never>?
    private var batches: EventBatches?

    init(service: AuthenticationService, listen: String, scenarios: (@Sendable (String) async -> String)?) {
        self.service = service
        self.listen = listen
        self.scenarios = scenarios
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Added after the channel became active (an admitted TLS client): start now.
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard batches == nil else { return }
        let batches = EventBatches(bus: service.events, interval: .milliseconds(100))
        self.batches = batches
        var hello = AdminMessage(.hello)
        hello.instance = service.run
        hello.listen = listen
        hello.mode = service.persistence.description
        let snapshot = service.configuration.current
        hello.generation = snapshot.generation
        hello.config = snapshot.document
        Self.send(hello, on: context.channel)
        // What happened before the client came (the bus's recent events), then what happens;
        // an event in both (published while subscribing) is sent once.
        let startSequence = sendHistory(context: context)
        let startGeneration = snapshot.generation
        let channel = context.channel
        let service = self.service
        streaming = Task {
            var shown = (mode: service.persistence.description, generation: startGeneration)
            var writer = EventJSONWriter()
            var sentUpTo = startSequence
            var missed = 0
            for await batch in batches {
                var lines = Data()
                let alreadySent = sentUpTo
                let fresh = batch.filter { $0.sequence > alreadySent }
                sentUpTo = max(sentUpTo, fresh.last?.sequence ?? 0)
                lines.append(AdminMessage.eventLines(fresh, writer: &writer))
                let now = (mode: service.persistence.description, generation: service.configuration.current.generation)
                if now != shown {
                    shown = now
                    var state = AdminMessage(.state)
                    state.mode = now.mode
                    state.generation = now.generation
                    state.config = service.configuration.current.document
                    if let line = try? state.line() { lines.append(line) }
                }
                // A client that does not read is not waited for; it is told what it missed.
                guard channel.isWritable else {
                    missed += fresh.count
                    continue
                }
                if missed > 0 {
                    var notice = AdminMessage(.error)
                    notice.message = "\(missed) event(s) were not sent: this connection fell behind"
                    if let line = try? notice.line() { lines.append(line) }
                    missed = 0
                }
                channel.writeAndFlush(ByteBuffer(bytes: lines), promise: nil)
            }
        }
    }

    /// Recent events sent to a client when it attaches.
    static let history = 2000

    /// Sends the bus's recent events; returns the sequence number of the last one.
    private func sendHistory(context: ChannelHandlerContext) -> UInt64 {
        var writer = EventJSONWriter()
        let recent = service.events.recent(Self.history)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: AdminMessage.eventLines(recent, writer: &writer))), promise: nil)
        return recent.last?.sequence ?? 0
    }

    func channelInactive(context: ChannelHandlerContext) {
        batches?.cancel()
        streaming?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Data(unwrapInboundIn(data).readableBytesView)
        let message: AdminMessage
        do {
            message = try AdminMessage.parse(line)
        } catch {
            var refusal = AdminMessage(.error)
            refusal.message = "\(error)"
            Self.send(refusal, on: context.channel)
            return
        }
        if message.type == .scenario {
            runScenario(message, on: context.channel)
            return
        }
        // Applying writes config.json (a file lock, an fsync) and reads the trust files: never on the event loop.
        let service = self.service
        let channel = context.channel
        Self.answerOffLoop(message, service: service, channel: channel)
    }

    /// A scenario runs for seconds: it is answered when it ends, while events keep streaming.
    private func runScenario(_ message: AdminMessage, on channel: Channel) {
        var result = AdminMessage(.result, id: message.id)
        guard let name = message.scenario, let scenarios else {
            result.ok = false
            result.message = message.scenario == nil ? "scenario needs a name" : "this server runs no scenarios"
            Self.send(result, on: channel)
            return
        }
        Task {
            result.ok = true
            result.message = await scenarios(name)
            if let line = try? result.line() { channel.writeAndFlush(ByteBuffer(bytes: line), promise: nil) }
        }
    }

    private static func answerOffLoop(_ message: AdminMessage, service: AuthenticationService, channel: Channel) {
        Task.detached {
            send(answer(message, service: service), on: channel)
        }
    }

    private static func answer(_ message: AdminMessage, service: AuthenticationService) -> AdminMessage {
        var result = AdminMessage(.result, id: message.id)
        switch message.type {
        case .mode:
            guard let name = message.mode, let preset = AuthPersistencePreset(rawValue: name) else {
                result.ok = false
                result.message = "unknown authentication mode \(message.mode ?? "(none)"); give per-request, legacy-iis4 or per-connection"
                return result
            }
            service.setPersistence(preset.flags)
            result.ok = true
            result.mode = preset.rawValue
        case .apply:
            guard let document = message.config, let base = message.base else {
                result.ok = false
                result.message = "apply needs the edited configuration and the one the edit started from"
                return result
            }
            do {
                let snapshot = try service.saveAndApply(document, editedFrom: base, source: "saved from an attached console")
                result.ok = true
                result.generation = snapshot.generation
            } catch ConfigError.changedOnDisk(_, let current, let changes) {
                result.ok = false
                result.message = "config.json changed since the edit began"
                result.theirs = current
                result.changes = changes
            } catch {
                result.ok = false
                result.message = "\(error)"
            }
        default:
            result.ok = false
            result.message = "\(message.type.rawValue) is not a command (the commands are mode, apply and scenario)"
        }
        return result
    }

    private static func send(_ message: AdminMessage, on channel: Channel) {
        guard let line = try? message.line() else { return }
        channel.writeAndFlush(ByteBuffer(bytes: line), promise: nil)
    }
}

extension AdminMessage {
    /// Events as `event` messages, one line each, written by the event writer (the same JSON
    /// as the journal's) rather than through `JSONEncoder`.
    static func eventLines(_ events: [CertMapEvent], writer: inout EventJSONWriter) -> Data {
        var lines = Data()
        for event in events {
            var json = Data()
            guard (try? writer.append(event, to: &json)) != nil else { continue }
            lines.append(contentsOf: "{\"certmapAdmin\":\(version),\"event\":".utf8)
            lines.append(json.dropLast())  // without the event's newline
            lines.append(contentsOf: #","type":"event"}"#.utf8)
            lines.append(0x0A)
        }
        return lines
    }
}
