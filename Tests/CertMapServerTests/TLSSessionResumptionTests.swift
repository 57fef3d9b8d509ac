import CertMapCore
import CertMapJournal
import CertMapServer
import XCTest

/// A resumed TLS session carries the client certificate it was established with, although the
/// client does not send it again and no verification callback runs: the server must still see it.
final class TLSSessionResumptionTests: XCTestCase {
    func testAResumedSessionIsAuthenticatedWithItsOriginalClientCertificate() async throws {
        let harness = try await ServerHarness.start(self)
        let ca = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        let (certificate, key) = harness.credential("alice")
        var arguments: [String] = []
        for index in 0..<3 {
            if index > 0 { arguments.append("--next") }
            // Connection: close makes curl open a new connection, resuming the TLS session.
            arguments += ["-sS", "--cacert", ca, "--cert", certificate, "--key", key, "-H", "Connection: close",
                          "-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-account}\\n", "https://127.0.0.1:\(harness.port)/"]
        }
        let output = try await ExternalClients.run("curl", arguments)
        XCTAssertEqual(output.stdout.split(separator: "\n"), ["200 alice", "200 alice", "200 alice"], output.stderr)
        let opened = harness.service.events.recent().compactMap { event -> ConnectionOpened? in
            if case .connectionOpened(let opened) = event.kind { return opened }
            return nil
        }
        XCTAssertEqual(opened.count, 3, "three connections")
        XCTAssertEqual(opened.map { $0.certificate?.commonName }, ["alice", "alice", "alice"])
        XCTAssertEqual(opened.map(\.resumed), [false, true, true], "the first handshake is full, the next two resume it")
    }
}
