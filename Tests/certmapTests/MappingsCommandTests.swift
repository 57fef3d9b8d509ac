import Foundation
import XCTest

/// `certmap mappings` and `certmap pki issue` end to end.
final class MappingsCommandTests: XCTestCase {
    func testAddedManyToOneMappingMapsErinAndRemovingItRestores401() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let erin = certmap.pki.appendingPathComponent("erin.crt").path
        try certmap.run(["pki", "init"])
        XCTAssertTrue(try certmap.run(["mappings", "test", "--cert", erin]).stdout.contains("401.2"))

        let add = try certmap.run(["mappings", "add", "--name", "Northwind support", "--account", "support", "--create-account", "--rule", "O=Northwind", "--rule", "issuer.CN=*Issuing CA"])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertTrue(add.stdout.contains("added many-to-one \"Northwind support\" → support at position 5 of 5"), add.stdout)
        let mapped = try certmap.run(["mappings", "test", "--cert", erin])
        XCTAssertTrue(mapped.stdout.contains("200") && mapped.stdout.contains("support"), mapped.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: certmap.home.appendingPathComponent("config.json.1").path), "a backup is kept")

        let remove = try certmap.run(["mappings", "remove", "Northwind support"])
        XCTAssertEqual(remove.status, 0, remove.stderr)
        XCTAssertTrue(try certmap.run(["mappings", "test", "--cert", erin]).stdout.contains("401.2"))
    }

    func testMappingsTestTakesSeveralCertificatesAfterOneFlagAsDocumented() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let files = ["alice", "bob", "erin"].map { certmap.pki.appendingPathComponent("\($0).crt").path }
        let together = try certmap.run(["mappings", "test", "--cert"] + files)
        XCTAssertEqual(together.status, 0, together.stderr)
        let repeated = try certmap.run(["mappings", "test"] + files.flatMap { ["--cert", $0] })
        XCTAssertEqual(together.stdout, repeated.stdout)
        XCTAssertEqual(together.stdout.split(separator: "\n").filter { $0.contains(".crt") }.count, 3, together.stdout)
    }

    func testOneToOneMappingTakesPrecedenceOverTheDenyMapping() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let dave = certmap.pki.appendingPathComponent("dave.crt").path
        try certmap.run(["pki", "init"])
        let add = try certmap.run(["mappings", "add", "--cert", dave, "--account", "dave", "--create-account"])
        XCTAssertEqual(add.status, 0, add.stderr)
        let test = try certmap.run(["mappings", "test", "--cert", dave, "--json"])
        let reports = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(test.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(reports.first?["account"] as? String, "dave")
        XCTAssertEqual(reports.first?["mapping"] as? String, "one-to-one \"dave\"")
    }

    func testBadRuleIsRejectedWithTheAcceptedSubfieldsAndNothingIsSaved() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let config = certmap.home.appendingPathComponent("config.json")
        let before = try Data(contentsOf: config)
        let result = try certmap.run(["mappings", "add", "--name", "bad", "--account", "alice", "--rule", "CNN=alice"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("rule \"CNN=alice\": unknown subfield \"CNN\"; expected one of CN, O, OU"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: config), before)
    }

    func testAddingAMappingForAnUnknownAccountNamesTheFieldAndSavesNothing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let config = certmap.home.appendingPathComponent("config.json")
        let before = try Data(contentsOf: config)
        let result = try certmap.run(["mappings", "add", "--name", "ghost", "--account", "nobody", "--rule", "O=Contoso"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("manyToOne[4].account: unknown account \"nobody\""), result.stderr)
        XCTAssertEqual(try Data(contentsOf: config), before)
    }

    func testIssuedCertificateWithMultiValuedRDNIsValidAndUnmapped() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let issue = try certmap.run(["pki", "issue", "zoe", "--subject", "/C=US/O=Northwind/OU=Support+CN=zoe", "--email", "zoe@northwind.example"])
        XCTAssertEqual(issue.status, 0, issue.stderr)
        let crt = certmap.pki.appendingPathComponent("zoe.crt").path
        let subject = try CertMapProcess.openssl(["x509", "-in", crt, "-noout", "-subject", "-nameopt", "RFC2253"])
        XCTAssertTrue(subject.stdout.contains("+"), subject.stdout)
        let keyMode = try FileManager.default.attributesOfItem(atPath: certmap.pki.appendingPathComponent("zoe.key").path)[.posixPermissions] as? Int
        XCTAssertEqual(keyMode, 0o600)
        let explain = try certmap.run(["explain", "--cert", crt, "--json"])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any], explain.stderr)
        XCTAssertEqual(report["decision"] as? String, "401.2")
        let again = try certmap.run(["pki", "issue", "zoe", "--subject", "/CN=zoe"])
        XCTAssertNotEqual(again.status, 0, "an existing credential must not be replaced")
    }
}
