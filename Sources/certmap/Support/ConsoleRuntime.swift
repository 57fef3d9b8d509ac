import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore
import NIOPosix

/// The live parts behind the console: an in-process stack on the operator's addresses, whose
/// bus hands the console's events to its inbox from the first one on.
struct ConsoleRuntime: Sendable {
    private let stack: InProcessStack
    /// Where the bus hands the console its events (subscribed before the server starts).
    let inbox: ConsoleInbox
    private let subscription: EventSinkSubscription
    /// Applies other writers' changes to config.json and hands them to the mapping editor.
    private let watcher: ConfigFileWatcher
    /// Scenarios started from the console, stopped before the stack.
    private let work = BackgroundWork()

    var service: AuthenticationService { stack.service }
    var server: CertMapHTTPSServer { stack.server }
    var proxies: ProxySimulator? { stack.proxies }
    private var group: MultiThreadedEventLoopGroup { stack.group }

    static func start(home: DataHome, listen: ListenAddress, mode: AuthPersistence?, journal recordJournal: Bool, upstream: UpstreamURL?, proxies proxyOptions: ProxyOptions
    ) async throws -> ConsoleRuntime {
        let inbox = ConsoleInbox()
        var subscription: EventSinkSubscription?
        let stack = try await InProcessStack.start(
            home: home, listen: listen, persistence: mode, recordJournal: recordJournal, upstream: upstream,
            proxies: { try proxyOptions.settings(upstream: $0) },
            subscribe: { subscription = inbox.subscribe(to: $0) })
        guard let sink = subscription else {
            await stack.stop()
            throw CommandFailure("the console could not subscribe to the event bus")
        }
        let watcher = ConfigFileWatcher(service: stack.service) { snapshot in
            inbox.post([.configurationLoaded(snapshot.document), .notice("config.json changed on disk: applied as configuration generation \(snapshot.generation)")])
        }
        watcher.start()
        // What `certmap doctor` would say, shown once at start: errors and warnings only.
        let findings = DeploymentDoctor.examine(stack.service.configuration.current.document, home: home).filter { $0.severity != .note }
        for finding in findings { stack.service.events.publish(.system(SystemEvent("doctor: \(finding)"))) }
        return ConsoleRuntime(stack: stack, inbox: inbox, subscription: sink, watcher: watcher)
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
        guard proxies != nil else { return nil }
        let (service, server, group, work) = (self.service, self.server.boundAddress, self.group, self.work)
        return { name in await work.run { await ScenarioLauncher.run(name, service: service, server: server, group: group) } }
    }

    /// Stops running scenarios (their clients), the watcher, the console's subscription, then
    /// the stack (proxies, server, event loops).
    func stop() async {
        await work.stop()
        watcher.stop()
        subscription.cancel()
        await stack.stop()
    }
}
