import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation
import NIOPosix
import XCTest

/// A real certmap server and the proxy simulator in front of it, on 127.0.0.x and ephemeral
/// ports, with a fresh demo home; everything stops when the test ends.
final class ProxyHarness: @unchecked Sendable {
    let home: DataHome
    let server: CertMapHTTPSServer
    let proxies: ProxySimulator
    let group: MultiThreadedEventLoopGroup

    var events: EventBus { server.service.events }
    var serverPort: Int { server.boundAddress.port }
    var forwardPort: Int { proxies.forwardAddress!.port }
    var reversePort: Int { proxies.reverseAddress!.port }
    var caBundle: String { home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path }

    static func start(_ testCase: XCTestCase, mode: AuthPersistencePreset = .perRequest, poolSize: Int = 4, reuse: UpstreamReusePolicy = .safe, format: ForwardedCertificateFormat? = .rfc9440, home existing: DataHome? = nil) async throws -> ProxyHarness {
        let home = existing ?? DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-proxy-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
        let configuration = LiveConfiguration(try ConfigStore(home: home).loadSnapshot())
        let service = AuthenticationService(configuration: configuration, home: home, events: EventBus(), persistence: mode.flags)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await CertMapHTTPSServer.start(service: service, listen: ListenAddress(host: "127.0.0.1", port: 0), group: group)
        let settings = ProxySimulatorSettings(
            upstream: server.boundAddress, forwardListen: ListenAddress(host: "127.0.0.1", port: 0), reverseListen: ListenAddress(host: "127.0.0.1", port: 0),
            poolSize: poolSize, reuse: reuse, forwardedFormat: format)
        let proxies = try await ProxySimulator.start(settings: settings, home: home, events: service.events, group: group)
        testCase.addTeardownBlock {
            await proxies.stop()
            await server.stop()
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(at: home.url)
        }
        return ProxyHarness(home: home, server: server, proxies: proxies, group: group)
    }

    private init(home: DataHome, server: CertMapHTTPSServer, proxies: ProxySimulator, group: MultiThreadedEventLoopGroup) {
        self.home = home
        self.server = server
        self.proxies = proxies
        self.group = group
    }

    /// Where synthetic clients reach this harness's server and proxies.
    var endpoints: ClientEndpoints {
        ClientEndpoints(server: server.boundAddress, forwardProxy: proxies.forwardAddress, reverseProxy: proxies.reverseAddress, caBundle: URL(fileURLWithPath: caBundle))
    }

    func client() -> SyntheticClient {
        SyntheticClient(endpoints: endpoints, group: group)
    }

    func credential(_ name: String) -> [String] {
        ["--cert", home.pkiDirectory.appendingPathComponent("\(name).crt").path, "--key", home.pkiDirectory.appendingPathComponent("\(name).key").path]
    }

    func requestRecords() -> [RequestRecord] {
        events.recent().compactMap { if case .request(let record) = $0.kind { record } else { nil } }
    }

    func proxyHops() -> [ProxyHop] {
        events.recent().compactMap { if case .proxyHop(let hop) = $0.kind { hop } else { nil } }
    }
}
