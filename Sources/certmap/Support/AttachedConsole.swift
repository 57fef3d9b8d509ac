import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import NIOPosix

/// The console on a running `certmap serve`, through its admin socket (`certmap --attach PATH`):
/// a local mirror of the server — its configuration, mode and events, republished on a local bus
/// the console reads as it reads its own — kept in step by the server's messages. Edits and mode
/// switches go to the server; the mirror follows when the server says they happened. A lost
/// connection is shown and retried every second; a server that restarted is named as such.
final class AttachedConsole: Sendable {
    let path: String
    let inbox: ConsoleInbox
    /// The server as the console sees it; sessions and themes are this machine's `home`.
    let mirror: AuthenticationService
    private let client: LockedState<AdminClient?>
    private let group: MultiThreadedEventLoopGroup
    private let pump = LockedState<Task<Void, Never>?>(nil)
    private let subscription: EventSinkSubscription

    private init(path: String, inbox: ConsoleInbox, mirror: AuthenticationService, client: AdminClient, group: MultiThreadedEventLoopGroup, subscription: EventSinkSubscription) {
        self.path = path
        self.inbox = inbox
        self.mirror = mirror
        self.client = LockedState(client)
        self.group = group
        self.subscription = subscription
    }

    static func start(path: String, home: DataHome) async throws -> AttachedConsole {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client: AdminClient
        do {
            client = try await AdminClient.connect(path: path, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw CommandFailure("cannot attach: \(error)")
        }
        let hello = client.hello
        let document = hello.config ?? ConfigDocument()
        let snapshot: ConfigSnapshot
        do {
            snapshot = try ConfigSnapshot(document: document, generation: hello.generation ?? 1)
        } catch {
            await client.close()
            try? await group.shutdownGracefully()
            throw CommandFailure("cannot attach: the server's configuration does not load here: \(error)")
        }
        let bus = EventBus(keepsRecent: EventBus.exceptSteps)
        let inbox = ConsoleInbox()
        let subscription = inbox.subscribe(to: bus)
        let mode = hello.mode.flatMap(AuthPersistencePreset.init(rawValue:))?.flags
        let mirror = AuthenticationService(configuration: LiveConfiguration(snapshot), home: home, events: bus, persistence: mode)
        let attached = AttachedConsole(path: path, inbox: inbox, mirror: mirror, client: client, group: group, subscription: subscription)
        inbox.post([.notice("attached to \(path): certmap serve on \(hello.listen ?? "?") (instance \(hello.instance ?? "?"), \(hello.mode ?? "?"))")])
        attached.pump.withLock { $0 = Task { await attached.follow(client) } }
        return attached
    }

    /// Republishes the server's events and follows its state; reconnects when the connection ends.
    private func follow(_ first: AdminClient) async {
        var current = first
        var instance = first.hello.instance
        // A reconnection replays the server's recent events: those already shown are skipped
        // (sequence numbers are the server's, and start again only when it restarts).
        var shownUpTo: UInt64 = 0
        while !Task.isCancelled {
            for await message in current.messages {
                switch message.type {
                case .event:
                    if let event = message.event, event.sequence > shownUpTo {
                        shownUpTo = event.sequence
                        mirror.events.publish(event.kind, at: event.time)
                    }
                case .state:
                    follow(state: message)
                case .error:
                    inbox.post([.notice("\(path): \(message.message ?? "error")")])
                default:
                    break
                }
            }
            guard !Task.isCancelled else { return }
            inbox.post([.notice("lost the connection to \(path); reconnecting every second")])
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard let again = try? await AdminClient.connect(path: path, group: group) else { continue }
                current = again
                client.withLock { $0 = again }
                let restarted = again.hello.instance != instance
                instance = again.hello.instance
                if restarted { shownUpTo = 0 }
                // The state first: its notices (a mode that changed back) must not hide this one.
                follow(state: again.hello)
                inbox.post([.notice(restarted
                    ? "reconnected to \(path): the server restarted (instance \(again.hello.instance ?? "?")); events from before the restart are in its journal"
                    : "reconnected to \(path)")])
                break
            }
        }
    }

    private func follow(state message: AdminMessage) {
        var actions: [ConsoleAction] = []
        if let name = message.mode, let preset = AuthPersistencePreset(rawValue: name), mirror.persistence != preset.flags {
            mirror.setPersistence(preset.flags, announce: false)
            actions.append(.modeChanged(name))
        }
        if let document = message.config, document != mirror.configuration.current.document, (try? mirror.configuration.apply(document)) != nil {
            actions.append(.configurationLoaded(document))
            actions.append(.notice("the server applied configuration generation \(message.generation.map(String.init) ?? "?")"))
        }
        if !actions.isEmpty { inbox.post(actions) }
    }

    /// Sends a command to the server.
    func send(_ command: AdminMessage) async -> AdminMessage? {
        guard let client = client.withLock({ $0 }) else { return nil }
        return try? await client.send(command)
    }

    func stop() async {
        pump.withLock { $0?.cancel() }
        await client.withLock({ $0 })?.close()
        subscription.cancel()
        try? await group.shutdownGracefully()
    }
}

/// The console's requests for an attached console: edits and mode switches go to the server;
/// what only needs the mirror (dry runs, sessions, replays of recent requests) is done here.
struct AttachedConsoleDriver: ConsoleDriver {
    let attached: AttachedConsole
    let local: ConsoleApplication

    init(attached: AttachedConsole) {
        self.attached = attached
        self.local = ConsoleApplication(service: attached.mirror, traffic: nil, scenarios: nil)
    }

    func perform(_ request: ConsoleRequest) async -> [ConsoleAction] {
        await perform(request) { _ in }
    }

    func perform(_ request: ConsoleRequest, post: @escaping @Sendable ([ConsoleAction]) -> Void) async -> [ConsoleAction] {
        switch request {
        case .switchMode(let name):
            var command = AdminMessage(.mode)
            command.mode = name
            guard let result = await attached.send(command) else { return [.requestFailed("not connected to \(attached.path)")] }
            guard result.ok == true, let preset = AuthPersistencePreset(rawValue: name) else { return [.requestFailed(result.message ?? "the server refused the mode")] }
            attached.mirror.setPersistence(preset.flags, announce: false)
            return [.modeChanged(name)]
        case .saveMappings(let document, let base):
            var command = AdminMessage(.apply)
            command.config = document
            command.base = base
            guard let result = await attached.send(command) else { return [.requestFailed("not saved: not connected to \(attached.path)")] }
            if result.ok == true {
                _ = try? attached.mirror.configuration.apply(document)
                return [.configurationLoaded(document), .mappingsSaved(generation: result.generation ?? attached.mirror.configuration.current.generation)]
            }
            if let theirs = result.theirs {
                return [.saveConflict(SaveConflict(mine: document, base: base, theirs: theirs, changes: result.changes ?? []))]
            }
            return [.requestFailed(result.message ?? "not saved")]
        case .pauseTraffic:
            return [.requestFailed("attached to \(attached.path): a headless server runs no demo traffic to pause")]
        case .startScenario:
            return [.requestFailed("attached to \(attached.path): run scenarios with certmap scenario run on the server's machine")]
        default:
            return await local.perform(request, post: post)
        }
    }
}
