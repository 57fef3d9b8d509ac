import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// Every way a real proxy in front of certmap slips, sent by curl over real TLS from the address a
/// proxy would use: each is diagnosed as the configuration or proxy problem it is, with the fix,
/// and none ever proposes mapping the proxy's own certificate (which would log every proxied user
/// in as one account). Only a peer that resembles no configured proxy is "forging".
final class ProxySlipDiagnosisTests: XCTestCase {
    /// One slip: who connects from where with which certificate, what it sends, and what the
    /// diagnosis must say.
    private struct Slip {
        let name: String
        let source: String
        let certificate: String?
        let headers: (CertificateIdentity) -> [String]
        let kind: Diagnosis.Kind
        let says: [String]
    }

    /// certmap with forwarder "edge nginx" at 127.0.0.3, pinned to `pin`, or to this home's
    /// demo proxy certificate.
    private func start(pin: String? = nil) async throws -> ServerHarness {
        let placeholder = String(repeating: "AB:", count: 31) + "AB"
        let harness = try await ServerHarness.start(self) { document in
            document.server.certificateForwarders = [CertificateForwarderEntry(name: "edge nginx", sha256: pin ?? placeholder, address: "127.0.0.3")]
        }
        if pin == nil {
            let proxy = try CertificateLoader.certificates(at: harness.home.pkiDirectory.appendingPathComponent("proxy.crt"))[0]
            var document = harness.service.configuration.current.document
            document.server.certificateForwarders[0].sha256 = proxy.sha256.colonHex
            try harness.service.apply(document)
        }
        return harness
    }

    private func escapedPEM(_ alice: CertificateIdentity) -> [String] {
        ForwardedCertificateEncoder().headers(format: .escapedPEM, leaf: alice.der).map { "\($0.name): \($0.value)" }
    }

    private func send(_ slip: Slip, to harness: ServerHarness) async throws -> Diagnosis {
        let alice = try CertificateLoader.certificates(at: harness.home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
        var arguments = ["-sS", "--interface", slip.source, "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "-o", "/dev/null"]
        if let certificate = slip.certificate {
            let (file, key) = harness.credential(certificate)
            arguments += ["--cert", file, "--key", key]
        }
        for header in slip.headers(alice) { arguments += ["-H", header] }
        arguments.append("https://127.0.0.1:\(harness.port)/reports")
        let output = try await ExternalClients.run("curl", arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        let record = try XCTUnwrap(harness.requestRecords().last, slip.name)
        return Diagnosis(record: record)
    }

    private func assertDiagnosis(_ slip: Slip, _ diagnosis: Diagnosis, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(diagnosis.kind, slip.kind, "\(slip.name): \(diagnosis.cause)", file: file, line: line)
        let text = diagnosis.cause + " " + diagnosis.fix
        for phrase in slip.says { XCTAssertTrue(text.contains(phrase), "\(slip.name) does not say \"\(phrase)\": \(text)", file: file, line: line) }
        XCTAssertFalse(diagnosis.fix.contains("Add a mapping for it"), "\(slip.name) proposes mapping a proxy's certificate: \(diagnosis.fix)", file: file, line: line)
        XCTAssertFalse(diagnosis.fix.contains("add a mapping of its own"), "\(slip.name): \(diagnosis.fix)", file: file, line: line)
    }

    func testEveryProxySlipIsDiagnosedAsConfigurationWithItsFix() async throws {
        let harness = try await start()
        let slips: [Slip] = [
            Slip(name: "nginx without proxy_bind", source: "127.0.0.1", certificate: "proxy", headers: escapedPEM, kind: .forwarderWrongAddress,
                 says: ["configured at 127.0.0.3", "proxy_bind 127.0.0.3", "source 127.0.0.3", "server.certificateForwarders[0].address", "Do not add a mapping"]),
            Slip(name: "proxy certificate without headers, wrong address", source: "127.0.0.1", certificate: "proxy", headers: { _ in [] }, kind: .forwarderWrongAddress,
                 says: ["proxy_bind 127.0.0.3"]),
            Slip(name: "no certificate upstream", source: "127.0.0.3", certificate: nil, headers: escapedPEM, kind: .forwarderPresentsNoCertificate,
                 says: ["presented no certificate of its own", "proxy_ssl_certificate"]),
            Slip(name: "DN-only headers from the forwarder", source: "127.0.0.3", certificate: "proxy",
                 headers: { _ in ["X-SSL-Client-S-DN: CN=alice,O=CertMap Demo", "X-SSL-Client-Verify: SUCCESS"] }, kind: .forwarderSentNoCertificate,
                 says: ["X-SSL-Client-S-DN", "X-SSL-Client-Verify", "$ssl_client_escaped_cert"]),
            Slip(name: "forwarded headers through the CONNECT proxy's address", source: "127.0.0.2", certificate: nil, headers: escapedPEM, kind: .tunnelCannotForward,
                 says: ["proxied-connection address", "Have the clients present their certificates through the tunnel"]),
            Slip(name: "a plain client forging", source: "127.0.0.5", certificate: "erin", headers: escapedPEM, kind: .forgedForwardedHeaders,
                 says: ["resembles no configured certificate forwarder", "judged on its own certificate", "erin", "Find the client forging them"]),
            Slip(name: "a plain client forging without a certificate", source: "127.0.0.5", certificate: nil, headers: escapedPEM, kind: .forgedForwardedHeaders,
                 says: ["it presented none of its own"]),
        ]
        for slip in slips {
            assertDiagnosis(slip, try await send(slip, to: harness))
        }
    }

    func testARenewedProxyCertificateIsDiagnosedWithTheNewPin() async throws {
        let harness = try await start(pin: String(repeating: "AB:", count: 31) + "AB")
        let proxy = try CertificateLoader.certificates(at: harness.home.pkiDirectory.appendingPathComponent("proxy.crt"))[0]
        let slip = Slip(name: "renewed proxy certificate", source: "127.0.0.3", certificate: "proxy", headers: escapedPEM, kind: .forwarderCertificateChanged,
                        says: ["set server.certificateForwarders[0].sha256 to \"\(proxy.sha256.colonHex)\"", proxy.subject.rfc2253, "pinned to AB:AB"])
        assertDiagnosis(slip, try await send(slip, to: harness))
    }

    func testTheRealForwarderIsStillBelievedAndNothingIsDiagnosed() async throws {
        let harness = try await start()
        let slip = Slip(name: "the forwarder itself", source: "127.0.0.3", certificate: "proxy", headers: escapedPEM, kind: .allowed, says: ["alice"])
        assertDiagnosis(slip, try await send(slip, to: harness))
    }
}
