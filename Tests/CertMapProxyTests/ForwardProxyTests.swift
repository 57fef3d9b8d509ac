import CertMapCore
import CertMapJournal
import CertMapProxy
import XCTest

/// KB Q190009 through a real CONNECT proxy: real curl tunnels TLS through the forward proxy, the
/// server sees the proxy's address, and the legacy mode fails every request after the first.
final class ForwardProxyTests: XCTestCase {
    private func fetchThroughTunnel(_ harness: ProxyHarness, user: String, paths: [String]) async throws -> [String] {
        var arguments = ["-sS", "--proxy", "http://127.0.0.1:\(harness.forwardPort)", "--cacert", harness.caBundle] + harness.credential(user)
        for path in paths {
            arguments += ["-o", "/dev/null", "-w", Curl.outcomeFormat, "https://localhost:\(harness.serverPort)\(path)"]
        }
        let output = try await Curl.run(arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.lines
    }

    func testLegacyModeFailsSecondRequestThroughForwardProxyTunnel() async throws {
        let harness = try await ProxyHarness.start(self, mode: .legacyIIS4)
        let lines = try await fetchThroughTunnel(harness, user: "alice", paths: ["/", "/img/1.png", "/img/2.png"])
        XCTAssertEqual(lines, ["200 200 alice", "401 401.2", "401 401.2"])
        let records = harness.requestRecords()
        XCTAssertEqual(Set(records.map(\.connection)).count, 1, "one tunnel, one server connection")
        XCTAssertTrue(records.allSatisfy { $0.route == "forward" && $0.peer.hasPrefix("127.0.0.2:") }, "\(records.map { ($0.route, $0.peer) })")
        let opened = try XCTUnwrap(harness.proxyHops().first { $0.action == .tunnelOpened })
        XCTAssertEqual(opened.upstreamLocal, records.first?.peer, "the hop names the server connection it opened")
    }

    func testPerRequestModeServesEveryRequestThroughTheTunnel() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest)
        let lines = try await fetchThroughTunnel(harness, user: "alice", paths: ["/", "/img/1.png", "/img/2.png"])
        XCTAssertEqual(lines, ["200 200 alice", "200 200 alice", "200 200 alice"])
    }

    func testConnectToAnythingButTheServerIsRefusedWithAReason() async throws {
        let harness = try await ProxyHarness.start(self)
        let output = try await Curl.run(["-sS", "-i", "-p", "--proxy", "http://127.0.0.1:\(harness.forwardPort)", "http://example.com:80/"])
        XCTAssertTrue(output.stdout.contains("403") || output.stderr.contains("403"), output.stdout + output.stderr)
        let plain = try await Curl.run(["-sS", "-i", "--proxy", "http://127.0.0.1:\(harness.forwardPort)", "http://127.0.0.1:\(harness.serverPort)/"])
        XCTAssertTrue(plain.stdout.hasPrefix("HTTP/1.1 405"), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("only tunnels"), plain.stdout)
        let refusals = harness.proxyHops().filter { $0.action == .refused }
        XCTAssertEqual(refusals.count, 2)
        XCTAssertTrue(refusals[0].detail?.contains("example.com:80") ?? false, "\(refusals)")
    }
}
