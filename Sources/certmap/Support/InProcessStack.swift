import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore
import NIOPosix

/// A server and both proxies on free loopback ports, with the journal, for commands that bring
/// their own traffic (`scenario run`, network `replay`); stopped in the right order.
struct InProcessStack: Sendable {
    let service: AuthenticationService
    let server: CertMapHTTPSServer
    let proxies: ProxySimulator
    let group: MultiThreadedEventLoopGroup
    private let journal: Task<Void, Never>?

    var events: EventBus { service.events }

    static func start(home: DataHome, mode: AuthPersistencePreset, poolSize: Int, reuse: UpstreamReusePolicy, recordJournal: Bool) async throws -> InProcessStack {
        let configuration = LiveConfiguration(try ConfigStore(home: home).loadSnapshot())
        let events = EventBus()
        let service = AuthenticationService(configuration: configuration, home: home, events: events, persistence: mode.flags)
        let journal = recordJournal ? JournalRecorder.start(bus: events, writer: try JournalWriter(settings: JournalSettings(directory: home.journalDirectory))) : nil
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var server: CertMapHTTPSServer?
        do {
            let started = try await CertMapHTTPSServer.start(service: service, listen: ListenAddress(host: "127.0.0.1", port: 0), group: group)
            server = started
            let loopback = ListenAddress(host: "127.0.0.1", port: 0)
            let settings = ProxySimulatorSettings(upstream: started.boundAddress, forwardListen: loopback, reverseListen: loopback, poolSize: poolSize, reuse: reuse)
            let proxies = try await ProxySimulator.start(settings: settings, home: home, events: events, group: group)
            return InProcessStack(service: service, server: started, proxies: proxies, group: group, journal: journal)
        } catch {
            await server?.stop()
            events.finish()
            await journal?.value
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Synthetic clients aimed at this stack.
    func client() -> SyntheticClient {
        SyntheticClient(endpoints: ClientEndpoints(
            server: server.boundAddress, forwardProxy: proxies.forwardAddress, reverseProxy: proxies.reverseAddress,
            caBundle: service.home.pkiDirectory.appendingPathComponent("ca-bundle.pem")), group: group)
    }

    func stop() async {
        await proxies.stop()
        await server.stop()
        events.finish()
        await journal?.value
        try? await group.shutdownGracefully()
    }
}
