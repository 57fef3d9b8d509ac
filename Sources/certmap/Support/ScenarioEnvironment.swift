import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOCore

/// Everything a scenario needs around the running server: synthetic clients aimed at the
/// server and proxies, the load users mapped in memory when the scenario wants them, and the
/// account each client's own certificate maps to under the live configuration (to spot
/// misattribution).
enum ScenarioEnvironment {
    static func runner(for scenario: ScenarioDefinition, service: AuthenticationService, server: ListenAddress, proxies: ProxySimulator?, group: EventLoopGroup) throws -> ScenarioRunner {
        let home = service.home
        var loadUsers: LoadUsers?
        if scenario.loadUsers > 0 {
            let users = try LoadUsers.prepare(count: scenario.loadUsers, home: home)
            try service.apply(try users.mapped(into: service.configuration.current.document))
            loadUsers = users
        }
        let endpoints = ClientEndpoints(
            server: server, forwardProxy: proxies?.forwardAddress, reverseProxy: proxies?.reverseAddress,
            caBundle: home.pkiDirectory.appendingPathComponent("ca-bundle.pem"))
        return ScenarioRunner(
            client: SyntheticClient(endpoints: endpoints, group: group), pki: home.pkiDirectory, loadUsers: loadUsers,
            expected: ExpectedAccounts(configuration: service.configuration, home: home))
    }
}
