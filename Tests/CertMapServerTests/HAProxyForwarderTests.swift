import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import XCTest

/// certmap behind a real HAProxy forwarding `%[ssl_c_der,base64]`: done right, each user is
/// themselves; with the slips real configurations have, each request is diagnosed as that
/// configuration problem with its fix, never as a user certificate to map.
final class HAProxyForwarderTests: XCTestCase {
    private func get(_ port: Int, _ harness: ServerHarness, user: String) async throws -> String {
        let (certificate, key) = harness.credential(user)
        let output = try await ExternalClients.run("curl", [
            "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(port):127.0.0.1",
            "--cert", certificate, "--key", key, "-o", "/dev/null", "-w", "%{http_code} %header{x-certmap-decision} %header{x-certmap-account}",
            "https://localhost:\(port)/",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.trimmingCharacters(in: .whitespaces)
    }

    func testAliceAndBobThroughHAProxyEachGetTheirOwnAccount() async throws {
        let harness = try await ServerHarness.start(self)
        let haproxy = try await HAProxyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        let alice = try await get(haproxy.port, harness, user: "alice")
        let bob = try await get(haproxy.port, harness, user: "bob")
        XCTAssertEqual([alice, bob], ["200 200 alice", "200 200 sales"], haproxy.logText)
        XCTAssertEqual(harness.requestRecords().map(\.certificateSource), ["forwarded:base64DER", "forwarded:base64DER"])
    }

    func testEveryHAProxySlipIsDiagnosedAsTheConfigurationProblemItIs() async throws {
        let cases: [(HAProxyProcess.Slip, Diagnosis.Kind, String)] = [
            (.noSource, .forwarderWrongAddress, "source 127.0.0.3"),
            (.noUpstreamCertificate, .forwarderPresentsNoCertificate, "crt on the server line"),
        ]
        for (slip, kind, phrase) in cases {
            let harness = try await ServerHarness.start(self)
            let haproxy = try await HAProxyProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory, slips: [slip])
            let answer = try await get(haproxy.port, harness, user: "alice")
            try assertDiagnosedAsProxySlip(harness, answer: answer, kind: kind, saying: phrase, slip: "\(slip)", proxyLog: haproxy.logText)
        }
    }
}
