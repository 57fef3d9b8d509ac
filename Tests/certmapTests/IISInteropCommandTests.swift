import Foundation
import XCTest

/// `certmap import iis` and `certmap export iis` end to end, with the demo PKI's certificates.
final class IISInteropCommandTests: XCTestCase {
    /// The base64 DER inside a PEM file, as IIS stores certificates.
    private func base64DER(_ pem: URL) throws -> String {
        try String(contentsOf: pem, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    /// A fragment mapping erin (unmapped in the demo) one-to-one, with a password that must go nowhere.
    private func erinFragment(_ certmap: CertMapProcess) throws -> URL {
        let xml = """
            <configuration>
              <system.webServer>
                <security>
                  <authentication>
                    <iisClientCertificateMappingAuthentication enabled="true">
                      <oneToOneMappings>
                        <add userName="erin" password="hunter2-secret" certificate="\(try base64DER(certmap.pki.appendingPathComponent("erin.crt")))" />
                      </oneToOneMappings>
                    </iisClientCertificateMappingAuthentication>
                  </authentication>
                </security>
              </system.webServer>
            </configuration>
            """
        let file = certmap.home.deletingLastPathComponent().appendingPathComponent("iis-\(UUID().uuidString).config")
        try Data(xml.utf8).write(to: file)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return file
    }

    private var config: (CertMapProcess) -> URL { { $0.home.appendingPathComponent("config.json") } }

    func testImportedOneToOneMappingMapsErinAndHerPasswordIsNowhere() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let erin = certmap.pki.appendingPathComponent("erin.crt").path
        XCTAssertTrue(try certmap.run(["mappings", "test", "--cert", erin]).stdout.contains("401.2"))

        let file = try erinFragment(certmap)
        let result = try certmap.run(["import", "iis", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#"add account "erin" (an IIS userName with no certmap account)"#), result.stdout)
        XCTAssertTrue(result.stdout.contains(#"add one-to-one "erin" → erin"#), result.stdout)
        XCTAssertTrue(result.stdout.contains("oneToOneMappings/add[1]/@password (line 7): password for erin not imported: certmap never stores passwords"), result.stdout)
        XCTAssertTrue(result.stdout.contains("saved \(config(certmap).path) (2 changes)"), result.stdout)
        XCTAssertFalse((result.stdout + result.stderr).contains("hunter2"))
        XCTAssertFalse(try String(contentsOf: config(certmap), encoding: .utf8).contains("hunter2"))

        let mapped = try certmap.run(["mappings", "test", "--cert", erin])
        XCTAssertTrue(mapped.stdout.contains("200") && mapped.stdout.contains("erin"), mapped.stdout)
        let again = try certmap.run(["import", "iis", file.path])
        XCTAssertTrue(again.stdout.contains("nothing to change"), again.stdout)
    }

    func testDryRunListsTheChangesAndSavesNothing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let before = try Data(contentsOf: config(certmap))
        let result = try certmap.run(["import", "iis", try erinFragment(certmap).path, "--dry-run"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#"add one-to-one "erin" → erin"#), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("dry run: 2 changes not saved\n"), result.stdout)
        XCTAssertEqual(try Data(contentsOf: config(certmap)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: certmap.home.appendingPathComponent("config.json.1").path))
    }

    func testMalformedFileFailsWithOneLineAndChangesNothing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let before = try Data(contentsOf: config(certmap))
        let file = certmap.home.appendingPathComponent("broken.config")
        try Data("<configuration>\n  <system.webServer>\n</configuration>\n".utf8).write(to: file)
        let result = try certmap.run(["import", "iis", file.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "Error: \(file.path): not well-formed XML at line 3, column 17: opening and closing tags do not match\n")
        XCTAssertEqual(try Data(contentsOf: config(certmap)), before)
    }

    func testUnreadableFileFailsWithOneLineAndChangesNothing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let before = try Data(contentsOf: config(certmap))
        let file = certmap.home.appendingPathComponent("missing.config")
        let result = try certmap.run(["import", "iis", file.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "Error: \(file.path): no such file\n")
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(try Data(contentsOf: config(certmap)), before)
    }

    func testExportThenReplacingImportThenExportIsStable() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let exported = certmap.home.appendingPathComponent("export.config")
        let export = try certmap.run(["export", "iis", "-o", exported.path, "--site", "Intranet"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stderr.contains(#"not exported: many-to-one "Contoso engineering" is not exported: IIS has no SAN.email subfield"#), export.stderr)
        let text = try String(contentsOf: exported, encoding: .utf8)
        XCTAssertTrue(text.contains(#"<location path="Intranet/admin">"#), text)
        XCTAssertTrue(text.contains(#"password="""#), text)

        let imported = try certmap.run(["import", "iis", exported.path, "--replace"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertFalse(imported.stdout.contains("notes ("), "an export reads back without notes: \(imported.stdout)")
        let stdout = try certmap.run(["export", "iis", "--site", "Intranet"])
        XCTAssertEqual(stdout.status, 0, stdout.stderr)
        // The same file, except one-to-one names (IIS has none; the import names them by CN) and the
        // mapping IIS could not express, which the replacing import dropped.
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("is not exported") }.joined(separator: "\n")
            .replacingOccurrences(of: "alice (demo certificate)", with: "alice").replacingOccurrences(of: "carol (demo certificate)", with: "carol")
        XCTAssertEqual(stdout.stdout, expected)
        let bob = certmap.pki.appendingPathComponent("bob.crt").path
        XCTAssertTrue(try certmap.run(["mappings", "test", "--cert", bob]).stdout.contains("sales"), "many-to-one mappings survive the round trip")
    }
}
