import CertMapCore
import CertMapProxy
import CertMapServer
import NIOPosix

/// Runs a named scenario against a running server, for the console (`s NAME`) and for an
/// attached console through the admin endpoint: one line saying how it went, or what went wrong.
enum ScenarioLauncher {
    /// Runs `name` through proxies of its own, with the scenario's pool size and reuse policy
    /// (the console's proxies keep theirs), so `s pooled-proxy` in the console shows what
    /// `certmap scenario run pooled-proxy` shows.
    static func run(_ name: String, service: AuthenticationService, server: ListenAddress, group: MultiThreadedEventLoopGroup) async -> String {
        do {
            let scenario = try ScenarioCatalog(home: service.home).named(name)
            let loopback = ListenAddress(host: "127.0.0.1", port: 0)
            let own = try await ProxySimulator.start(
                settings: ProxySimulatorSettings(
                    upstream: server, forwardListen: loopback, reverseListen: loopback,
                    poolSize: scenario.poolSize ?? 4, reuse: scenario.reuse ?? .safe),
                home: service.home, events: service.events, group: group)
            let report: ScenarioReport
            do {
                let runner = try ScenarioEnvironment.runner(for: scenario, service: service, server: server, proxies: own, group: group)
                report = try await runner.run(scenario, mode: service.persistence.description, events: service.events)
            } catch {
                await own.stop()
                throw error
            }
            await own.stop()
            let decisions = report.byDecision.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: " ")
            let verdict = report.verdict.map { " — \($0)" } ?? ""
            return "scenario \(name) under \(report.mode): \(report.requests) request(s), \(decisions); \(report.misattributions.count) misattributed\(verdict)"
        } catch {
            return "scenario \(name): \(error)"
        }
    }

}
