@testable import CertMapProxy
import CertMapCore
import XCTest

/// A home made before the reverse proxy existed does not trust it: say so once, with the fix.
final class ServerTrustCheckTests: XCTestCase {
    func testAHomeThatDoesNotTrustTheProxiesGetsOneWarningPerProxyWithTheFix() throws {
        let home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-trust-\(UUID().uuidString)"))
        addTeardownBlock { try? FileManager.default.removeItem(at: home.url) }
        _ = try HomeBootstrap.prepare(home, now: Date())
        let settings = ProxySimulatorSettings(upstream: ListenAddress(host: "127.0.0.1", port: 8443))
        XCTAssertEqual(ServerTrustCheck.warnings(settings: settings, home: home), [], "a fresh home trusts both proxies")

        let store = ConfigStore(home: home)
        var document = try store.load()
        document.server.trustedProxies = []
        try store.save(document)
        let warnings = ServerTrustCheck.warnings(settings: settings, home: home)
        XCTAssertEqual(warnings.count, 2)
        XCTAssertTrue(warnings[1].contains("\"address\": \"127.0.0.3\", \"sha256\": "), warnings[1])
    }
}
