import Foundation
import XCTest

/// `certmap serve` as an operator runs it: JSON event lines on stdout, clean exit on SIGTERM.
final class ServeCommandTests: XCTestCase {
    /// Collects a child process's stdout lines as they arrive.
    private final class LineCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var buffer = Data()

        func append(_ data: Data) { lock.withLock { buffer.append(data) } }

        var lines: [String] {
            lock.withLock { String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init) }
        }

        func waitFor(_ predicate: (String) -> Bool, seconds: Double) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let line = lines.first(where: predicate) { return line }
                usleep(50_000)
            }
            return nil
        }
    }

    func testServeAnswersCurlPrintsJSONEventsAndStopsOnSIGTERM() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let process = Process()
        process.executableURL = CertMapProcess.binary
        process.arguments = ["serve", "--home", certmap.home.path, "--listen", "127.0.0.1:0", "--log-format", "json", "--mode", "legacy-iis4"]
        let output = Pipe()
        let collector = LineCollector()
        output.fileHandleForReading.readabilityHandler = { collector.append($0.availableData) }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let listening = try XCTUnwrap(collector.waitFor({ $0.contains("listening on") }, seconds: 10), "no listening event: \(collector.lines)")
        let port = try XCTUnwrap(listening.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression).map { String(listening[$0].split(separator: ":")[1]) })
        let curl = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-sS", "--cacert", certmap.pki.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(port):127.0.0.1",
            "--cert", certmap.pki.appendingPathComponent("alice.crt").path, "--key", certmap.pki.appendingPathComponent("alice.key").path,
            "-H", "Via: 1.1 squid", "-w", "%{http_code} ", "-o", "/dev/null", "https://localhost:\(port)/", "-o", "/dev/null", "https://localhost:\(port)/b",
        ])
        XCTAssertEqual(curl.stdout, "200 401 ", "KB Q190009 through a proxy: \(curl.stderr)")

        let requestLine = try XCTUnwrap(collector.waitFor({ $0.contains(#""type":"request""#) }, seconds: 5))
        let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(requestLine.utf8)) as? [String: Any])
        let request = try XCTUnwrap(event["request"] as? [String: Any])
        XCTAssertEqual(request["mode"] as? String, "legacy-iis4")
        XCTAssertEqual(request["path"] as? String, "/")

        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        XCTAssertFalse(process.isRunning, "serve must stop on SIGTERM")
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertNotNil(collector.waitFor({ $0.contains("received SIGTERM, shutting down") }, seconds: 2), "\(collector.lines.suffix(3))")

        let journal = certmap.home.appendingPathComponent("journal/journal-000001.jsonl")
        let journalLines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(journalLines.filter { $0.contains(#""type":"request""#) }.count, 2, "both requests are in the journal after shutdown")
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
