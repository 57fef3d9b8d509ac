import CertMapCore
import Foundation
import XCTest

/// `certmap doctor` on a healthy demo home and on homes broken the ways deployments break: one
/// line per finding with its fix, exit 1 exactly when there is an error.
final class DoctorCommandTests: XCTestCase {
    private func home() throws -> CertMapProcess {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        XCTAssertEqual(try certmap.run(["pki", "init"]).status, 0)
        return certmap
    }

    private func editConfig(_ certmap: CertMapProcess, _ edit: (inout [String: Any]) -> Void) throws {
        let url = certmap.home.appendingPathComponent("config.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: url)
    }

    private func doctor(_ certmap: CertMapProcess, _ extra: [String] = []) throws -> (status: Int32, lines: [String]) {
        let result = try certmap.run(["doctor"] + extra)
        XCTAssertEqual(result.stderr, "", "doctor writes findings to stdout")
        return (result.status, result.stdout.split(separator: "\n").map(String.init))
    }

    func testAHealthyDemoHomeHasNoErrorsOrWarnings() throws {
        let certmap = try home()
        let (status, lines) = try doctor(certmap)
        XCTAssertEqual(status, 0, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.last, "\(certmap.home.path): 0 error(s), 0 warning(s)")
    }

    func testAServerCertificateWithoutItsIntermediateIsAnError() throws {
        let certmap = try home()
        let server = certmap.pki.appendingPathComponent("server.crt")
        let text = try String(contentsOf: server, encoding: .utf8)
        try String(text[..<text.range(of: "-----END CERTIFICATE-----")!.upperBound] + "\n").write(to: server, atomically: true, encoding: .utf8)
        let (status, lines) = try doctor(certmap)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(lines.contains { $0.hasPrefix("error    server certificate:") && $0.contains("is an intermediate CA, not a root") && $0.contains("fix: append CN=CertMap Demo Issuing CA") }, lines.joined(separator: "\n"))
    }

    func testACABundleWithoutARootIsAnError() throws {
        let certmap = try home()
        try FileManager.default.removeItem(at: certmap.pki.appendingPathComponent("ca-bundle.pem"))
        try FileManager.default.copyItem(at: certmap.pki.appendingPathComponent("intermediate-ca.crt"), to: certmap.pki.appendingPathComponent("ca-bundle.pem"))
        let (status, lines) = try doctor(certmap)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(lines.contains { $0.hasPrefix("error    CA bundle:") && $0.contains("holds no self-signed root CA") }, lines.joined(separator: "\n"))
    }

    func testAStaleCRLIsAWarningAndAnErrorWhenItRefuses() throws {
        let certmap = try home()
        let issuing = try CertificateIssuer.load(
            certificateAt: certmap.pki.appendingPathComponent("intermediate-ca.crt"), keyAt: certmap.pki.appendingPathComponent("intermediate-ca.key"))
        let stale = try CertificateRevocationList.issue(
            issuer: issuing.certificate, issuerKey: issuing.privateKey, revoked: [], thisUpdate: Date() - 10 * 86_400, nextUpdate: Date() - 86_400, crlNumber: 9)
        try (stale.pemString + "\n").write(to: certmap.pki.appendingPathComponent("crl.pem"), atomically: true, encoding: .utf8)
        let warned = try doctor(certmap)
        XCTAssertEqual(warned.status, 0)
        XCTAssertTrue(warned.lines.contains { $0.hasPrefix("warning  CRL:") && $0.contains("is past its nextUpdate") }, warned.lines.joined(separator: "\n"))
        try editConfig(certmap) { config in
            var trust = config["trust"] as? [String: Any] ?? [:]
            trust["staleCRL"] = "refuse"
            config["trust"] = trust
        }
        let refused = try doctor(certmap)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.lines.contains { $0.hasPrefix("error    CRL:") && $0.contains("403.13") }, refused.lines.joined(separator: "\n"))
    }

    func testMappingMistakesAreWarningsNamingTheEntryAndTheFix() throws {
        let certmap = try home()
        try editConfig(certmap) { config in
            var manyToOne = config["manyToOne"] as? [[String: Any]] ?? []
            manyToOne.append(["name": "typo", "account": "sales", "rules": [["field": "issuer", "subfield": "CN", "match": "bob"]]])
            manyToOne.append(["name": "never", "account": "sales", "rules": [
                ["subfield": "O", "match": "Contoso"], ["subfield": "OU", "match": "Sales"], ["field": "issuer", "subfield": "CN", "match": "CertMap Demo Issuing CA"],
                ["subfield": "CN", "match": "bob"],
            ]])
            manyToOne.append(["name": "legacy partners", "account": "fabrikam-legacy", "rules": [["subfield": "O", "match": "Fabrikam Legacy"]]])
            config["manyToOne"] = manyToOne
        }
        let (status, lines) = try doctor(certmap)
        XCTAssertEqual(status, 0, "mapping mistakes are warnings")
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains(#"warning  mappings: manyToOne[4] "typo" has a rule issuer.CN = bob, but bob is the CN of a client certificate"#), text)
        XCTAssertTrue(text.contains(#"manyToOne[5] "never" can never decide: manyToOne[1] "Contoso sales" comes first"#), text)
        XCTAssertTrue(text.contains(#"manyToOne[6] "legacy partners" maps to account fabrikam-legacy, which is disabled"#), text)
    }

    func testAForwarderPinIsComparedWithTheProxyCertificateGivenAndJSONCarriesTheFindings() throws {
        let certmap = try home()
        try editConfig(certmap) { config in
            var server = config["server"] as? [String: Any] ?? [:]
            server["certificateForwarders"] = [["name": "edge", "sha256": String(repeating: "AB", count: 32), "address": "127.0.0.3"]]
            config["server"] = server
        }
        let result = try certmap.run(["doctor", "--json", "--forwarder-cert", certmap.pki.appendingPathComponent("proxy.crt").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let findings = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout)
        let forwarder = try XCTUnwrap(findings.first { $0["area"] as? String == "forwarder" })
        XCTAssertEqual(forwarder["severity"] as? String, "warning")
        XCTAssertTrue((forwarder["fix"] as? String)?.contains("set server.certificateForwarders[0].sha256 to") == true, "\(forwarder)")
    }
}
