import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore
import NIOPosix

/// The live parts behind the console: event bus, journal, HTTPS server (and, later, proxies and
/// demo traffic), started together and stopped together, in the right order.
struct ConsoleRuntime: Sendable {
    let service: AuthenticationService
    /// Where the bus hands the console its events (subscribed before the server starts).
    let inbox: ConsoleInbox
    private let subscription: EventSinkSubscription
    let server: CertMapHTTPSServer
    let proxies: ProxySimulator?
    private let group: MultiThreadedEventLoopGroup
    private let journal: Task<Void, Never>?

    static func start(home: DataHome, listen: ListenAddress, mode: AuthPersistence?, journal recordJournal: Bool, proxies proxyOptions: ProxyOptions) async throws -> ConsoleRuntime {
        let configuration = LiveConfiguration(try ConfigStore(home: home).loadSnapshot())
        let events = EventBus()
        // Subscribed before anything starts, so the console sees the server's first events.
        // The console shows requests with their whole trace; the per-step events repeat it.
        let inbox = ConsoleInbox()
        let subscription = inbox.subscribe(to: events)
        let service = AuthenticationService(configuration: configuration, home: home, events: events, persistence: mode)
        let journal = recordJournal ? JournalRecorder.start(bus: events, writer: try JournalWriter(settings: JournalSettings(directory: home.journalDirectory))) : nil
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            let server = try await CertMapHTTPSServer.start(service: service, listen: listen, group: group)
            do {
                var proxies: ProxySimulator?
                if let settings = try proxyOptions.settings(upstream: server.boundAddress) {
                    proxies = try await ProxySimulator.start(settings: settings, home: home, events: events, group: group)
                }
                return ConsoleRuntime(service: service, inbox: inbox, subscription: subscription, server: server, proxies: proxies, group: group, journal: journal)
            } catch {
                await server.stop()
                throw error
            }
        } catch {
            events.finish()
            await journal?.value
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Starts the demo scenario's traffic through the proxies (nil without proxies).
    func startDemoTraffic() throws -> DemoTraffic? {
        guard let proxies else { return nil }
        let runner = try ScenarioEnvironment.runner(for: BuiltinScenarios.demo, service: service, server: server.boundAddress, proxies: proxies, group: group)
        let service = self.service
        return DemoTraffic(runner: runner, events: service.events, mode: { service.persistence.description })
    }

    /// Runs scenarios from the console: one line saying how it went, or what went wrong.
    func scenarioStarter() -> (@Sendable (String) async -> String)? {
        guard let proxies else { return nil }
        let (service, server, group) = (self.service, self.server.boundAddress, self.group)
        return { name in
            do {
                let scenario = try ScenarioCatalog(home: service.home).named(name)
                let runner = try ScenarioEnvironment.runner(for: scenario, service: service, server: server, proxies: proxies, group: group)
                let report = try await runner.run(scenario, mode: service.persistence.description, events: service.events)
                let decisions = report.byDecision.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: " ")
                let verdict = report.verdict.map { " — \($0)" } ?? ""
                return "scenario \(name) under \(report.mode): \(report.requests) request(s), \(decisions); \(report.misattributions.count) misattributed\(verdict)"
            } catch {
                return "scenario \(name): \(error)"
            }
        }
    }

    /// Stops the server, flushes the journal, releases the threads.
    func stop() async {
        await proxies?.stop()
        await server.stop()
        subscription.cancel()
        service.events.finish()
        await journal?.value
        try? await group.shutdownGracefully()
    }
}
