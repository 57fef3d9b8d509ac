import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import NIOPosix

/// The console on running `certmap serve`s, through their admin sockets (`certmap --attach PATH
/// [--attach PATH ...]`): a local mirror of the first server — its configuration, mode and
/// events — plus the events of the others, republished on a local bus the console reads as it
/// reads its own, kept in step by the servers' messages. Edits and mode switches go to the first
/// server; the mirror follows when it says they happened. With several servers, requests carry
/// their server's name (`AttachedInstances`). A lost connection is shown and retried every
/// second; a server that restarted is named as such.
final class AttachedConsole: Sendable {
    let paths: [String]
    private let endpoints: [AdminClient.Endpoint]
    /// The server edits and mode switches go to (the first `--attach`).
    var path: String { paths[0] }
    let instances: AttachedInstances
    let inbox: ConsoleInbox
    /// The first server as the console sees it; sessions and themes are this machine's `home`.
    let mirror: AuthenticationService
    private let clients: LockedState<[AdminClient]>
    private let group: MultiThreadedEventLoopGroup
    private let pumps = LockedState<[Task<Void, Never>]>([])
    private let subscription: EventSinkSubscription

    private init(paths: [String], endpoints: [AdminClient.Endpoint], inbox: ConsoleInbox, mirror: AuthenticationService, clients: [AdminClient], group: MultiThreadedEventLoopGroup, subscription: EventSinkSubscription) {
        self.paths = paths
        self.endpoints = endpoints
        self.instances = AttachedInstances(paths: paths)
        self.inbox = inbox
        self.mirror = mirror
        self.clients = LockedState(clients)
        self.group = group
        self.subscription = subscription
    }

    /// - Parameter endpoints: where each server is, in the order of `paths` (how they are named).
    static func start(paths: [String], endpoints: [AdminClient.Endpoint], home: DataHome) async throws -> AttachedConsole {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var clients: [AdminClient] = []
        for endpoint in endpoints {
            do {
                clients.append(try await AdminClient.connect(to: endpoint, group: group))
            } catch {
                for client in clients { await client.close() }
                try? await group.shutdownGracefully()
                throw CommandFailure("cannot attach: \(error)")
            }
        }
        let hello = clients[0].hello
        let snapshot: ConfigSnapshot
        do {
            snapshot = try ConfigSnapshot(document: hello.config ?? ConfigDocument(), generation: hello.generation ?? 1)
        } catch {
            for client in clients { await client.close() }
            try? await group.shutdownGracefully()
            throw CommandFailure("cannot attach: the server's configuration does not load here: \(error)")
        }
        let bus = EventBus(keepsRecent: EventBus.exceptSteps)
        let inbox = ConsoleInbox()
        let subscription = inbox.subscribe(to: bus)
        let mode = hello.mode.flatMap(AuthPersistencePreset.init(rawValue:))?.flags
        let mirror = AuthenticationService(configuration: LiveConfiguration(snapshot), home: home, events: bus, persistence: mode)
        let attached = AttachedConsole(paths: paths, endpoints: endpoints, inbox: inbox, mirror: mirror, clients: clients, group: group, subscription: subscription)
        var actions: [ConsoleAction] = []
        if paths.count > 1 {
            actions.append(.instancesAttached(attached.instances.names))
        }
        let described = zip(attached.instances.names, clients).map { name, client in
            "\(paths.count > 1 ? "\(name) " : "")\(client.path): certmap serve on \(client.hello.listen ?? "?") (instance \(client.hello.instance ?? "?"), \(client.hello.mode ?? "?"))"
        }
        actions.append(.notice("attached to " + described.joined(separator: "; ") + (paths.count > 1 ? "; edits go to \(attached.instances.names[0])" : "")))
        inbox.post(actions)
        attached.pumps.withLock { pumps in
            for (index, client) in clients.enumerated() {
                pumps.append(Task { await attached.follow(client, instance: index) })
            }
        }
        return attached
    }

    /// Republishes server `instance`'s events and follows its state; reconnects when the connection ends.
    private func follow(_ first: AdminClient, instance index: Int) async {
        let path = paths[index]
        let name = instances.names[index]
        let several = paths.count > 1
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
                        mirror.events.publish(several ? instances.localized(event, instance: index) : event.kind, at: event.time)
                    }
                case .state:
                    if index == 0 {
                        follow(state: message)
                    } else {
                        inbox.post([.notice("\(name): mode \(message.mode ?? "?"), configuration generation \(message.generation.map(String.init) ?? "?")")])
                    }
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
                guard let again = try? await AdminClient.connect(to: endpoints[index], group: group) else { continue }
                current = again
                clients.withLock { $0[index] = again }
                let restarted = again.hello.instance != instance
                instance = again.hello.instance
                if restarted {
                    shownUpTo = 0
                    instances.restarted(index)
                }
                // The state first: its notices (a mode that changed back) must not hide this one.
                if index == 0 { follow(state: again.hello) }
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
        if let document = message.config, document != mirror.configuration.current.document, (try? mirror.adoptMirrored(document)) != nil {
            actions.append(.configurationLoaded(document))
            actions.append(.notice("the server applied configuration generation \(message.generation.map(String.init) ?? "?")"))
        }
        if !actions.isEmpty { inbox.post(actions) }
    }

    /// Sends a command to the first server (the one edits go to).
    func send(_ command: AdminMessage) async -> AdminMessage? {
        guard let client = clients.withLock({ $0.first }) else { return nil }
        return try? await client.send(command)
    }

    func stop() async {
        pumps.withLock { pumps in pumps.forEach { $0.cancel() } }
        for client in clients.withLock({ $0 }) { await client.close() }
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
                try? attached.mirror.adoptMirrored(document)
                return [.configurationLoaded(document), .mappingsSaved(generation: result.generation ?? attached.mirror.configuration.current.generation)]
            }
            if let theirs = result.theirs {
                return [.saveConflict(SaveConflict(mine: document, base: base, theirs: theirs, changes: result.changes ?? []))]
            }
            return [.requestFailed(result.message ?? "not saved")]
        case .pauseTraffic:
            return [.requestFailed("attached to \(attached.path): a headless server runs no demo traffic to pause")]
        case .startScenario(let name):
            var command = AdminMessage(.scenario)
            command.scenario = name
            guard let result = await attached.send(command) else { return [.requestFailed("not connected to \(attached.path)")] }
            guard result.ok == true else { return [.requestFailed(result.message ?? "the server did not run \(name)")] }
            return [.notice(result.message ?? "scenario \(name) finished")]
        default:
            return await local.perform(request, post: post)
        }
    }
}
