@testable import CertMapProxy
import CertMapCore
import CertMapJournal
import NIOPosix
import XCTest

/// The server's proxy roles checked against the simulator's proxies before they start: a
/// forwarder on the CONNECT tunnel's address is refused; a home that does not know the proxies,
/// or an address-only forwarder, is warned about with the fix.
final class ProxyTrustCheckTests: XCTestCase {
    private var home: DataHome!
    private let settings = ProxySimulatorSettings(upstream: ListenAddress(host: "127.0.0.1", port: 8443))

    override func setUpWithError() throws {
        home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-trust-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home.url)
    }

    func testAFreshHomeKnowsBothProxiesAndHasNoFindings() throws {
        XCTAssertEqual(ProxyTrustCheck.check(settings: settings, home: home), ProxyTrustCheck.Findings())
    }

    func testAHomeThatDoesNotKnowTheProxiesGetsOneWarningPerProxyWithTheFix() throws {
        var document = try ConfigStore(home: home).load()
        document.server.proxiedConnections = []
        document.server.certificateForwarders = []
        let findings = ProxyTrustCheck.check(settings: settings, document: document, home: home)
        XCTAssertEqual(findings.errors, [])
        XCTAssertEqual(findings.warnings.count, 2)
        XCTAssertTrue(findings.warnings[0].contains("add {\"address\": \"127.0.0.2\"} there"), findings.warnings[0])
        XCTAssertTrue(findings.warnings[1].contains("\"address\": \"127.0.0.3\"}") && findings.warnings[1].contains("\"sha256\": "), findings.warnings[1])
    }

    func testAForwarderOnTheTunnelAddressIsAnErrorThatSaysWhy() throws {
        var document = try ConfigStore(home: home).load()
        document.server.certificateForwarders.append(CertificateForwarderEntry(name: "tunnel", address: "127.0.0.0/30", addressOnly: true))
        let findings = ProxyTrustCheck.check(settings: settings, document: document, home: home)
        XCTAssertEqual(findings.errors.count, 1)
        XCTAssertTrue(findings.errors[0].contains("server.certificateForwarders[1] (tunnel) includes 127.0.0.2, the forward proxy's tunnel address: a CONNECT tunnel carries the client's own TLS and headers"), findings.errors[0])
        XCTAssertTrue(findings.warnings.contains { $0.contains("weak: tunnel is believed by address alone") }, "\(findings.warnings)")
    }

    func testTheSimulatorRefusesToStartWithAForwarderOnTheTunnelAddress() async throws {
        let store = ConfigStore(home: home)
        var document = try store.load()
        document.server.certificateForwarders = [CertificateForwarderEntry(address: "127.0.0.2", addressOnly: true)]
        try store.save(document)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var free = settings
        free.forwardListen = ListenAddress(host: "127.0.0.1", port: 0)
        free.reverseListen = nil
        do {
            let simulator = try await ProxySimulator.start(settings: free, home: home, events: EventBus(), group: group)
            await simulator.stop()
            XCTFail("started with a forwarder on the tunnel address")
        } catch let error as ProxyError {
            XCTAssertTrue(error.description.contains("must never be a certificate forwarder"), error.description)
        }
        try await group.shutdownGracefully()
    }
}
