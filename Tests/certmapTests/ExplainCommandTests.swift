import CertMapJournal
import Foundation
import XCTest

/// `certmap explain` end to end: the real binary, a fresh demo home, the demo certificates.
final class ExplainCommandTests: XCTestCase {
    private func explainJSON(_ certmap: CertMapProcess, _ user: String, path: String = "/") throws -> [String: Any] {
        let result = try certmap.run(["explain", "--cert", certmap.pki.appendingPathComponent("\(user).crt").path, "--path", path, "--json"])
        XCTAssertEqual(result.status, 0, "explain \(user) failed: \(result.stderr)")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func testFirstRunCreatesDemoPKIAndConfigurationAndAnnouncesItOnStderr() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let result = try certmap.run(["mappings", "list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("demo PKI"), result.stderr)
        XCTAssertTrue(result.stderr.contains("config.json"), result.stderr)
        XCTAssertTrue(result.stdout.contains("Contoso contractors"), result.stdout)
        let keyMode = try FileManager.default.attributesOfItem(atPath: certmap.pki.appendingPathComponent("alice.key").path)[.posixPermissions] as? Int
        XCTAssertEqual(keyMode, 0o600)
        let second = try certmap.run(["mappings", "list"])
        XCTAssertEqual(second.stderr, "", "a second run must not create anything")
    }

    func testExplainAliceShowsAccountAndFullTraceAsJSON() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let report = try explainJSON(certmap, "alice")
        XCTAssertEqual(report["status"] as? Int, 200)
        XCTAssertTrue(report["substatus"] is NSNull)
        XCTAssertEqual(report["account"] as? String, "alice")
        XCTAssertEqual(report["reason"] as? String, "allowed")
        XCTAssertEqual(report["mapping"] as? String, "one-to-one \"alice (demo certificate)\"")
        let stages = try XCTUnwrap(report["trace"] as? [[String: Any]]).compactMap { $0["stage"] as? String }
        XCTAssertEqual(stages.first, "source")
        XCTAssertEqual(stages.last, "respond")
        for stage in ["validate", "map", "authorize"] {
            XCTAssertTrue(stages.contains(stage), "trace lacks \(stage): \(stages)")
        }
    }

    func testEveryDemoCertificateGetsItsIISStatus() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let expected: [(user: String, path: String, decision: String, account: String?, reason: String)] = [
            ("alice", "/", "200", "alice", "allowed"),
            ("alice", "/admin", "200", "alice", "allowed"),
            ("bob", "/", "200", "sales", "allowed"),
            ("bob", "/admin/users", "401.3", nil, "resourceNotAllowed"),
            ("carol", "/", "200", "carol", "allowed"),
            ("dave", "/", "403.12", nil, "deniedByMapping"),
            ("erin", "/", "401.2", nil, "notMapped"),
            ("impostor", "/", "403.16", nil, "untrustedCertificate"),
            ("expired", "/", "403.17", nil, "certificateExpired"),
            ("notyet", "/", "403.17", nil, "certificateNotYetValid"),
            ("revoked", "/", "403.13", nil, "certificateRevoked"),
            ("erin", "/public/index.html", "200", nil, "anonymous"),
        ]
        for row in expected {
            let report = try explainJSON(certmap, row.user, path: row.path)
            XCTAssertEqual(report["decision"] as? String, row.decision, "\(row.user) \(row.path)")
            XCTAssertEqual(report["account"] as? String, row.account, "\(row.user) \(row.path)")
            XCTAssertEqual(report["reason"] as? String, row.reason, "\(row.user) \(row.path)")
            XCTAssertEqual(report["substatus"] as? String, row.decision.contains(".") ? row.decision : nil, "\(row.user) \(row.path)")
        }
    }

    func testCACertificatesAreNotClientCertificatesAndGet403Point16BeforeMapping() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        for file in ["root-ca.crt", "intermediate-ca.crt"] {
            let result = try certmap.run(["explain", "--cert", certmap.pki.appendingPathComponent(file).path, "--json"])
            XCTAssertEqual(result.status, 0, "\(file): \(result.stderr)")
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
            XCTAssertEqual(report["decision"] as? String, "403.16", file)
            XCTAssertEqual(report["reason"] as? String, "certificateIsAuthority", file)
            let stages = try XCTUnwrap(report["trace"] as? [[String: Any]]).compactMap { $0["stage"] as? String }
            XCTAssertFalse(stages.contains("map"), "a CA certificate must be refused before mapping: \(stages)")
        }
    }

    func testExplainTextNamesTheDenyMappingAndItsRules() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let result = try certmap.run(["explain", "--cert", certmap.pki.appendingPathComponent("dave.crt").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("decision     403.12 (deniedByMapping)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("many-to-one #1 \"Contoso contractors\" matches and denies access"), result.stdout)
        XCTAssertTrue(result.stdout.contains("subject.OU = \"Contractors\": matches \"Contractors\""), result.stdout)
    }

    func testPrivateKeyInsteadOfCertificateFailsWithOneLineNamingTheFile() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let key = certmap.pki.appendingPathComponent("alice.key").path
        let result = try certmap.run(["explain", "--cert", key])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "")
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(key) && result.stderr.contains("PRIVATE KEY") && result.stderr.contains(".crt"), result.stderr)
    }

    func testMissingAndGarbageCertificateFilesFailClearly() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let missing = try certmap.run(["explain", "--cert", "/nonexistent/cert.pem"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/cert.pem: no such file"), missing.stderr)

        let garbage = certmap.home.appendingPathComponent("garbage.pem")
        try Data("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n".utf8).write(to: garbage)
        let result = try certmap.run(["explain", "--cert", garbage.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(garbage.path) (certificate 1): not a valid X.509 certificate"), result.stderr)
    }

    func testBrokenConfigurationIsReportedAndLeftUntouched() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let config = certmap.home.appendingPathComponent("config.json")
        let broken = Data("{\"version\": 1, \"manyToOne\": [{\"name\": \"x\", \"account\": \"alice\", \"rules\": [{\"subfield\": \"CNN\", \"match\": \"a\"}]}]}".utf8)
        try broken.write(to: config)

        let explain = try certmap.run(["explain", "--cert", certmap.pki.appendingPathComponent("alice.crt").path])
        XCTAssertNotEqual(explain.status, 0)
        XCTAssertTrue(
            explain.stderr.contains("manyToOne[0].rules[0].subfield: unknown \"CNN\"; expected one of CN, O, OU, L, S, C, E, SAN.email, SAN.dns"),
            explain.stderr
        )
        let add = try certmap.run(["mappings", "add", "--name", "y", "--account", "alice", "--rule", "O=x"])
        XCTAssertNotEqual(add.status, 0)
        XCTAssertEqual(try Data(contentsOf: config), broken, "a broken configuration must never be overwritten")
    }

    /// A request the server recorded is explained by its X-CertMap-Trace; trace ids carry the
    /// run, so two runs in one journal never share one.
    func testExplainTraceFindsTheRecordedRequestAcrossRuns() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        for _ in 0..<2 {
            let run = try certmap.run(["scenario", "run", "q190009", "--mode", "legacy-iis4", "--requests", "4"])
            XCTAssertNotEqual(run.status, 2, run.stderr)
        }
        let journal = certmap.home.appendingPathComponent("journal")
        let ids = try JournalReader.read(journal).events.compactMap { event -> String? in
            if case .request(let record) = event.kind { return record.traceID }
            return nil
        }
        XCTAssertEqual(ids.count, 8, "\(ids)")
        XCTAssertEqual(Set(ids).count, ids.count, "trace ids repeat across runs: \(ids)")
        let id = try XCTUnwrap(ids.last)
        let explained = try certmap.run(["explain", "--trace", id, "--journal", journal.path])
        XCTAssertEqual(explained.status, 0, explained.stderr)
        XCTAssertTrue(explained.stdout.contains("trace \(id)"), explained.stdout)
        XCTAssertTrue(explained.stdout.hasPrefix("decision     401.2"), explained.stdout)
        XCTAssertTrue(explained.stdout.contains("KB Q190009"), explained.stdout)
        let ambiguous = try certmap.run(["explain", "--trace", "t-", "--journal", journal.path])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("requests have a trace starting with t-"), ambiguous.stderr)
    }
}
