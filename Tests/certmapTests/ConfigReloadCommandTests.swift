import Foundation
import XCTest

/// A running `certmap serve` follows config.json, whoever writes it: a `mappings add` from
/// another shell is in force within a second, a broken file is refused while the last good
/// configuration keeps serving, and SIGHUP reloads at once instead of killing the server.
final class ConfigReloadCommandTests: XCTestCase {
    private func waitForCode(_ serve: ServeProcess, _ certmap: CertMapProcess, user: String, _ code: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try serve.curl(certmap, user: user, paths: ["/"])
            if last == code { return last }
            usleep(100_000)
        }
        return last
    }

    func testAMappingAddedFromAnotherShellIsInForceWithinASecond() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--no-proxies"])
        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/"]), "401", "erin starts unmapped")

        let started = Date()
        let add = try certmap.run(["mappings", "add", "--cert", certmap.pki.appendingPathComponent("erin.crt").path, "--account", "erin", "--create-account"])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertEqual(try waitForCode(serve, certmap, user: "erin", "200", seconds: 3), "200")
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "the change reached the running server within about a second")
        let applied = serve.waitFor({ $0.contains("configuration generation 2 applied (config.json changed on disk)") }, seconds: 2)
        XCTAssertNotNil(applied, "\(serve.lines)")
        XCTAssertTrue(applied?.contains("added one-to-one \"erin\"") ?? false, applied ?? "")
        XCTAssertEqual(serve.stop(), 0)
    }

    func testABrokenFileIsRefusedAndTheLastGoodConfigurationKeepsServing() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--no-proxies"])
        let config = certmap.home.appendingPathComponent("config.json")
        let good = try Data(contentsOf: config)
        try Data(#"{"version": 1, "manyToOne": [{"name": "x"}]}"#.utf8).write(to: config)
        let refused = serve.waitFor({ $0.contains("warning: config.json changed but was not applied") }, seconds: 3)
        XCTAssertNotNil(refused, "\(serve.lines)")
        XCTAssertTrue(refused?.contains("generation 1 keeps serving") ?? false, refused ?? "")
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/"]), "200", "still serving the last good configuration")
        XCTAssertEqual(try Data(contentsOf: config), Data(#"{"version": 1, "manyToOne": [{"name": "x"}]}"#.utf8), "the operator's file is left alone")
        try good.write(to: config)
        XCTAssertEqual(serve.stop(), 0)
    }

    func testSIGHUPReloadsInsteadOfKillingTheServer() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--no-proxies"])
        kill(serve.process.processIdentifier, SIGHUP)
        XCTAssertNotNil(serve.waitFor({ $0.contains("config.json reloaded (SIGHUP): unchanged, generation 1 stays") }, seconds: 3), "\(serve.lines)")
        XCTAssertTrue(serve.process.isRunning, "SIGHUP must not stop serve")
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/"]), "200")
        XCTAssertEqual(serve.stop(), 0)
    }
}
