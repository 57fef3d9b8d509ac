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

        let journal = certmap.home.appendingPathComponent("journal/journal-000001.jsonl.zst")
        let zcat = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/zstdcat"), [journal.path])
        XCTAssertEqual(zcat.status, 0, zcat.stderr)
        let journalLines = zcat.stdout.split(separator: "\n")
        XCTAssertEqual(journalLines.filter { $0.contains(#""type":"request""#) }.count, 2, "both requests are in the journal after shutdown")
        XCTAssertEqual(journalLines.filter { $0.contains(#""type":"certificate""#) }.count, 1, "alice's certificate is stored once")
        XCTAssertFalse(journalLines.contains { $0.contains("PRIVATE KEY") })

        let diagnose = try certmap.run(["diagnose"])
        XCTAssertEqual(diagnose.status, 0, diagnose.stderr)
        XCTAssertTrue(diagnose.stdout.contains("2 request(s), 1 refused"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("1 × 401.2  legacy reset without re-map (KB Q190009)"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("GET /b by CN=alice, conn#1 req#2, proxied, legacy-iis4"), diagnose.stdout)
        XCTAssertTrue(diagnose.stdout.contains("fix      Switch authentication persistence to per-request"), diagnose.stdout)
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

    func testRealCurlWorksThroughBothProxiesOfServe() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--mode", "legacy-iis4"])
        let forward = try XCTUnwrap(serve.listeningPort(of: "forward proxy"), "\(serve.lines)")
        let reverse = try XCTUnwrap(serve.listeningPort(of: "reverse proxy"), "\(serve.lines)")
        let ca = certmap.pki.appendingPathComponent("ca-bundle.pem").path
        let alice = ["--cert", certmap.pki.appendingPathComponent("alice.crt").path, "--key", certmap.pki.appendingPathComponent("alice.key").path]
        let format = ["-o", "/dev/null", "-w", "%{http_code} "]
        let curl = URL(fileURLWithPath: "/usr/bin/curl")
        // KB Q190009 through the CONNECT proxy: the tunnel's second request is not re-mapped.
        let tunnel = try CertMapProcess.execute(curl, ["-sS", "--proxy", "http://127.0.0.1:\(forward)", "--cacert", ca] + alice
            + format + ["https://localhost:\(serve.port)/"] + format + ["https://localhost:\(serve.port)/img/1.png"])
        XCTAssertEqual(tunnel.stdout, "200 401 ", tunnel.stderr)
        // Through the reverse proxy the upstream connection is proxied too: legacy-iis4 maps only
        // its first request, although each one carries a forwarded certificate.
        let terminated = try CertMapProcess.execute(curl, ["-sS", "--cacert", ca] + alice
            + format + ["https://localhost:\(reverse)/"] + format + ["https://localhost:\(reverse)/img/1.png"])
        XCTAssertEqual(terminated.stdout, "200 401 ", terminated.stderr)
        XCTAssertEqual(serve.stop(), 0)
    }
    func testOpenSSLVerifiesTheServedChainAgainstTheRootCertificateAlone() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--no-proxies"])
        let root = certmap.pki.appendingPathComponent("root-ca.crt").path
        let result = try CertMapProcess.openssl(["s_client", "-connect", "127.0.0.1:\(serve.port)", "-servername", "localhost", "-CAfile", root, "-verify_return_error", "-brief"])
        XCTAssertTrue(result.stderr.contains("Verification: OK") || result.stdout.contains("Verify return code: 0 (ok)"), result.stdout + result.stderr)
        XCTAssertEqual(serve.stop(), 0)
    }

    func testServeSaysWhatItMigratedAndWarnsAboutAnAddressOnlyForwarder() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let file = certmap.home.appendingPathComponent("config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var server = config["server"] as? [String: Any] ?? [:]
        server["trustedProxies"] = [["address": "127.0.0.9"]]
        server["certificateForwarders"] = [["name": "lab haproxy", "address": "127.0.0.8", "addressOnly": true]]
        config["server"] = server
        try JSONSerialization.data(withJSONObject: config).write(to: file)

        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--no-proxies"])
        let migrated = serve.waitFor({ $0.contains("server.trustedProxies[0] (127.0.0.9, no certificate) is now server.proxiedConnections") }, seconds: 5)
        XCTAssertNotNil(migrated, "\(serve.lines)")
        let weak = serve.waitFor({ $0.contains("server.certificateForwarders[0]: weak: lab haproxy is believed by address alone") }, seconds: 5)
        XCTAssertNotNil(weak, "\(serve.lines)")
        XCTAssertEqual(serve.stop(), 0)
    }
}
