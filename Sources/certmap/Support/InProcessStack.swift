import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore
import NIOPosix

/// The live parts of certmap in one process — event bus, journal, HTTPS server and (optionally)
/// both proxies — started together, cleaned up together when any part fails to start, and
/// stopped in the right order. The console runs on one (`ConsoleRuntime`); commands that bring
/// their own traffic (`scenario run`, network `replay`) start one on free loopback ports.
struct InProcessStack: Sendable {
    let service: AuthenticationService
    let server: CertMapHTTPSServer
    let proxies: ProxySimulator?
    let group: MultiThreadedEventLoopGroup
    private let journal: Task<Void, Never>?
    /// The journal's writer (nil without a journal), for the bytes it has written.
    let journalWriter: JournalWriter?

    var events: EventBus { service.events }

    /// - Parameters:
    ///   - persistence: the mode to start in (nil: the configuration's).
    ///   - upstream: `--upstream`: gateway mode in front of that application.
    ///   - proxies: the proxies' settings given the server's bound address (nil: no proxies).
    ///   - subscribe: called with the bus before anything publishes, so a subscriber (the
    ///     console) sees the server's first events.
    static func start(
        home: DataHome, listen: ListenAddress, persistence: AuthPersistence?, recordJournal: Bool, upstream: UpstreamURL? = nil,
        proxies: (ListenAddress) throws -> ProxySimulatorSettings?, subscribe: (EventBus) -> Void = { _ in }
    ) async throws -> InProcessStack {
        let configuration = LiveConfiguration(try ConfigStore(home: home).loadSnapshot())
        let events = EventBus(keepsRecent: EventBus.exceptSteps)
        subscribe(events)
        let service = AuthenticationService(configuration: configuration, home: home, events: events, persistence: persistence)
        let retention = configuration.current.document.journal
        let journalSettings = JournalSettings(
            directory: home.journalDirectory, maxSegmentBytes: retention.segmentMegabytes * 1024 * 1024,
            maxTotalBytes: Int64(retention.maxTotalMegabytes) * 1024 * 1024, maxAge: TimeInterval(retention.maxAgeDays) * 86_400)
        let writer = recordJournal ? try JournalWriter(settings: journalSettings) : nil
        let journal = writer.map { JournalRecorder.start(bus: events, writer: $0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var server: CertMapHTTPSServer?
        do {
            let started = try await CertMapHTTPSServer.start(service: service, listen: listen, group: group, upstream: upstream)
            server = started
            var simulator: ProxySimulator?
            if let settings = try proxies(started.boundAddress) {
                simulator = try await ProxySimulator.start(settings: settings, home: home, events: events, group: group)
            }
            return InProcessStack(service: service, server: started, proxies: simulator, group: group, journal: journal, journalWriter: writer)
        } catch {
            await server?.stop()
            events.finish()
            await journal?.value
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// A server and both proxies on free loopback ports.
    static func startOnLoopback(home: DataHome, mode: AuthPersistencePreset, poolSize: Int, reuse: UpstreamReusePolicy, recordJournal: Bool) async throws -> InProcessStack {
        let loopback = ListenAddress(host: "127.0.0.1", port: 0)
        return try await start(home: home, listen: loopback, persistence: mode.flags, recordJournal: recordJournal) { upstream in
            ProxySimulatorSettings(upstream: upstream, forwardListen: loopback, reverseListen: loopback, poolSize: poolSize, reuse: reuse)
        }
    }

    /// The proxies, which a stack from `startOnLoopback` always has.
    func requireProxies() throws -> ProxySimulator {
        guard let proxies else { throw CommandFailure("the in-process stack was started without proxies") }
        return proxies
    }

    /// Synthetic clients aimed at this stack.
    func client() -> SyntheticClient {
        SyntheticClient(endpoints: ClientEndpoints(
            server: server.boundAddress, forwardProxy: proxies?.forwardAddress, reverseProxy: proxies?.reverseAddress,
            caBundle: service.home.pkiDirectory.appendingPathComponent("ca-bundle.pem")), group: group)
    }

    /// Stops the proxies and the server, ends the bus's streams, flushes the journal, releases
    /// the threads.
    func stop() async {
        await proxies?.stop()
        await server.stop()
        events.finish()
        await journal?.value
        try? await group.shutdownGracefully()
    }
}
