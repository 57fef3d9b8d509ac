import Foundation
import XCTest

/// `certmap serve` as an operator runs it: JSON event lines on stdout, clean exit on SIGTERM.
final class ServeCommandTests: XCTestCase {
    func testServeAnswersCurlPrintsJSONEventsAndStopsOnSIGTERM() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--log-format", "json", "--mode", "legacy-iis4"])
        let codes = try serve.curl(certmap, user: "alice", paths: ["/", "/b"], headers: ["Via: 1.1 squid"])
        XCTAssertEqual(codes, "200 401", "KB Q190009 through a proxy")

        let requestLine = try XCTUnwrap(serve.waitFor({ $0.contains(#""type":"request""#) }, seconds: 5))
        let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(requestLine.utf8)) as? [String: Any])
        let request = try XCTUnwrap(event["request"] as? [String: Any])
        XCTAssertEqual(request["mode"] as? String, "legacy-iis4")
        XCTAssertEqual(request["path"] as? String, "/")

        XCTAssertEqual(serve.stop(), 0, "serve must stop cleanly on SIGTERM")
        XCTAssertNotNil(serve.waitFor({ $0.contains("received SIGTERM, shutting down") }, seconds: 2), "\(serve.lines.suffix(3))")

        let journal = certmap.home.appendingPathComponent("journal/journal-000001.jsonl")
        let journalLines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(journalLines.filter { $0.contains(#""type":"request""#) }.count, 2, "both requests are in the journal after shutdown")
        XCTAssertEqual(journalLines.filter { $0.contains(#""type":"certificate""#) }.count, 1, "alice's certificate is stored once")
        XCTAssertFalse(journalLines.contains { $0.contains("PRIVATE KEY") })

        let diagnose = try certmap.run(["diagnose"])
        XCTAssertEqual(diagnose.status, 0, diagnose.stderr)
        XCTAssertTrue(diagnose.stdout.contains("2 request(s), 1 refused"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("1 × 401.2  legacy reset without re-map (KB Q190009)"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("GET /b by CN=alice, conn#1 req#2, proxied, legacy-iis4"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("fix      switch authentication persistence to per-request"), diagnose.stdout)
    }

    func testDiagnoseWithoutAJournalSaysWhereItLooked() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let result = try certmap.run(["diagnose"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("journal: no such journal file or directory"), result.stderr)
    }

    func testServeRefusesABadListenAddressWithOneLine() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        let result = try certmap.run(["serve", "--listen", "localhost"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\"localhost\" is not HOST:PORT (e.g. 127.0.0.1:8443)"), result.stderr)
    }
}
