import CertMapCore
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// With only the root in the CA bundle, alice's certificate validates when she presents its
/// intermediate and not otherwise — whichever of the two arrives first. A verdict cached for the
/// leaf alone once answered the second request with the first one's verdict.
final class ChainVerdictOrderTests: XCTestCase {
    private func rootOnlyServer() async throws -> ServerHarness {
        let harness = try await ServerHarness.start(self)
        let pki = harness.home.pkiDirectory
        try FileManager.default.copyItem(at: pki.appendingPathComponent("root-ca.crt"), to: harness.home.url.appendingPathComponent("root-only.pem"))
        let chain = try String(contentsOf: pki.appendingPathComponent("alice.crt"), encoding: .utf8)
            + String(contentsOf: pki.appendingPathComponent("intermediate-ca.crt"), encoding: .utf8)
        try chain.write(to: pki.appendingPathComponent("alice-chain.crt"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: pki.appendingPathComponent("alice.key"), to: pki.appendingPathComponent("alice-chain.key"))
        var document = harness.service.configuration.current.document
        document.trust.caBundle = "root-only.pem"
        try harness.service.apply(document)
        return harness
    }

    /// curl trusts only the root here: OpenSSL completes a client's chain from the trust store it
    /// is given, so with the demo bundle it would send the intermediate even for `alice.crt`.
    private func decision(_ harness: ServerHarness, _ credential: String) async throws -> String {
        let (certificate, key) = harness.credential(credential)
        let output = try await ExternalClients.run("curl", [
            "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("root-ca.crt").path, "--cert", certificate, "--key", key,
            "-o", "/dev/null", "-w", "%header{x-certmap-decision}", "https://127.0.0.1:\(harness.port)/",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout
    }

    func testTheChainPresentedFirstDoesNotDecideForTheLeafAlone() async throws {
        let harness = try await rootOnlyServer()
        let withChain = try await decision(harness, "alice-chain")
        let leafOnly = try await decision(harness, "alice")
        XCTAssertEqual(withChain, "200")
        XCTAssertEqual(leafOnly, "403.16")
    }

    func testTheLeafAlonePresentedFirstDoesNotDecideForTheChain() async throws {
        let harness = try await rootOnlyServer()
        let leafOnly = try await decision(harness, "alice")
        let withChain = try await decision(harness, "alice-chain")
        XCTAssertEqual(leafOnly, "403.16")
        XCTAssertEqual(withChain, "200")
    }

    /// The mapped certificate itself, refused because its intermediate is missing, is not a
    /// look-alike; the impostor (alice's subject from another CA) is.
    func testAGenuineCertificateWithItsIntermediateMissingIsNotCalledALookAlike() async throws {
        let harness = try await rootOnlyServer()
        _ = try await decision(harness, "alice")
        let genuine = Diagnosis(record: try XCTUnwrap(harness.requestRecords().last))
        XCTAssertEqual(genuine.kind, .noTrustedChain, genuine.cause)
        XCTAssertFalse(genuine.cause.contains("look-alike"), genuine.cause)
        _ = try await decision(harness, "impostor")
        let impostor = Diagnosis(record: try XCTUnwrap(harness.requestRecords().last))
        XCTAssertEqual(impostor.kind, .impersonation, impostor.cause)
    }
}
