import Foundation
import XCTest

/// `certmap pki init --force` replaces the demo PKI and keeps the demo working: the
/// configuration's references to the replaced certificates move to the new ones, and the
/// operator's own mappings are left alone but named when the new CA no longer trusts them.
final class PKIInitForceTests: XCTestCase {
    private func account(_ certmap: CertMapProcess, _ user: String) throws -> String? {
        let result = try certmap.run(["explain", "--cert", certmap.pki.appendingPathComponent("\(user).crt").path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        return report["account"] as? String
    }

    func testForceRepointsDemoMappingsAndTheProxyPinAndNamesBrokenOwnMappings() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        XCTAssertEqual(try certmap.run(["pki", "issue", "zoe", "--subject", "/O=Acme/CN=zoe"]).status, 0)
        XCTAssertEqual(try certmap.run(["mappings", "add", "--cert", certmap.pki.appendingPathComponent("zoe.crt").path, "--account", "carol"]).status, 0)
        let config = certmap.home.appendingPathComponent("config.json")
        let before = try String(contentsOf: config, encoding: .utf8)

        let force = try certmap.run(["pki", "init", "--force"])
        XCTAssertEqual(force.status, 0, force.stderr)
        XCTAssertTrue(force.stdout.contains("oneToOne[0] \"alice (demo certificate)\": now maps the new alice.crt"), force.stdout)
        XCTAssertTrue(force.stdout.contains("oneToOne[1] \"carol (demo certificate)\": now maps the new carol.crt"), force.stdout)
        XCTAssertTrue(force.stdout.contains("server.certificateForwarders[0] (certmap reverse proxy): now pinned to the new proxy.crt"), force.stdout)
        XCTAssertTrue(force.stdout.contains("oneToOne[2] \"zoe\" (account carol): its certificate was issued by the replaced demo CA"), force.stdout)
        XCTAssertEqual(try String(contentsOf: certmap.home.appendingPathComponent("config.json.1"), encoding: .utf8), before, "the previous configuration is kept")

        XCTAssertEqual(try account(certmap, "alice"), "alice", "alice maps one-to-one again, not to the engineering many-to-one account")
        XCTAssertEqual(try account(certmap, "carol"), "carol")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        let oneToOne = try XCTUnwrap(document["oneToOne"] as? [[String: Any]])
        XCTAssertEqual(oneToOne.map { $0["name"] as? String }, ["alice (demo certificate)", "carol (demo certificate)", "zoe"], "the operator's mapping is kept")

        // The reverse proxy's new certificate is believed: the pooled scenario maps every user.
        let pooled = try certmap.run(["scenario", "run", "pooled-proxy", "--mode", "per-request", "--json", "--no-journal"])
        XCTAssertEqual(pooled.status, 0, pooled.stdout + pooled.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(pooled.stdout.utf8)) as? [String: Any], pooled.stdout)
        XCTAssertEqual((report["byDecision"] as? [String: Int])?.keys.sorted(), ["200"], pooled.stdout)
    }

    func testForceOnAnUnchangedConfigurationSaysSo() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let config = certmap.home.appendingPathComponent("config.json")
        try Data(#"{"version": 1}"#.utf8).write(to: config)
        let force = try certmap.run(["pki", "init", "--force"])
        XCTAssertEqual(force.status, 0, force.stderr)
        XCTAssertTrue(force.stdout.contains("configuration unchanged: it names none of the replaced demo certificates"), force.stdout)
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8), #"{"version": 1}"#)
    }
}
