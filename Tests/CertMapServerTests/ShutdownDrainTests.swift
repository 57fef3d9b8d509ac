import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// Stopping the server drains it: nothing new is accepted, an idle connection closes at once,
/// and a request in flight still gets its whole response — with `Connection: close` — before its
/// connection closes.
final class ShutdownDrainTests: XCTestCase {
    private func stopMessage(_ harness: ServerHarness) -> String? {
        harness.service.events.recent().compactMap { event -> String? in
            if case .system(let system) = event.kind, system.message.contains("stopped") { return system.message }
            return nil
        }.last
    }

    func testStoppingClosesAnIdleConnectionAtOnceAndSaysItWasDrained() async throws {
        let harness = try await ServerHarness.start(self)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(harness.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        XCTAssertEqual(connected, 0)
        let admitted = await eventually { harness.service.openConnectionCount == 1 }
        XCTAssertTrue(admitted)

        let started = Date()
        await harness.server.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "an idle connection does not wait for the drain deadline")
        var byte: UInt8 = 0
        XCTAssertEqual(read(client, &byte, 1), 0, "the server closed the idle connection")
        XCTAssertEqual(stopMessage(harness)?.hasSuffix("stopped after draining 1 connection"), true, stopMessage(harness) ?? "no stop event")
    }

    func testARequestInFlightWhenStoppingGetsItsResponseWithConnectionClose() async throws {
        let backend = try EchoBackend.start(self)
        let upstream = try UpstreamURL(parsing: backend.url)
        let harness = try await ServerHarness.start(self) { $0.server.gateway.upstream = upstream }
        let (certificate, key) = harness.credential("alice")
        let caBundle = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        let request = Task {
            try await ExternalClients.run(
                "curl", ["-sS", "-i", "--cacert", caBundle, "--cert", certificate, "--key", key, "https://127.0.0.1:\(harness.port)/slow/1"], timeout: 30)
        }
        let inFlight = await eventually(within: 10) { ((try? backend.seen()) ?? []).count == 1 }
        XCTAssertTrue(inFlight, "the request reached the application")

        await harness.server.stop()
        let output = try await request.value
        XCTAssertEqual(output.status, 0, output.stderr)
        let response = output.stdout.lowercased()
        XCTAssertTrue(response.hasPrefix("http/1.1 200"), output.stdout)
        XCTAssertTrue(response.contains("connection: close"), output.stdout)
        XCTAssertTrue(response.contains("\"path\": \"/slow/1\""), output.stdout)
        XCTAssertEqual(stopMessage(harness)?.hasSuffix("stopped after draining 1 connection"), true, stopMessage(harness) ?? "no stop event")
    }
}
