import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import XCTest

/// The server against real curl: every demo identity gets its IIS status, and every request on a
/// kept-alive connection is reset and mapped again in `per-request` mode.
final class PerRequestAuthenticationTests: XCTestCase {
    func testCurlClientsGetTheirIISStatusAndAccount() async throws {
        let harness = try await ServerHarness.start(self)
        let expected: [(cert: String?, code: Int, decision: String, account: String)] = [
            ("alice", 200, "200", "alice"),
            ("bob", 200, "200", "sales"),
            ("impostor", 403, "403.16", ""),
            ("expired", 403, "403.17", ""),
            ("notyet", 403, "403.17", ""),
            ("revoked", 403, "403.13", ""),
            ("erin", 401, "401.2", ""),
            ("dave", 403, "403.12", ""),
            (nil, 403, "403.7", ""),
        ]
        for row in expected {
            let results = try await ExternalClients.curl(harness, cert: row.cert, paths: ["/"])
            XCTAssertEqual(results.first?.code, row.code, "\(row.cert ?? "no certificate")")
            XCTAssertEqual(results.first?.decision, row.decision, "\(row.cert ?? "no certificate")")
            XCTAssertEqual(results.first?.account, row.account, "\(row.cert ?? "no certificate")")
        }
    }

    func testPerRequestModeResetsAndRemapsEveryRequestOnOneConnection() async throws {
        let harness = try await ServerHarness.start(self)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/a", "/b"])
        XCTAssertEqual(results.map(\.decision), ["200", "200", "200"])
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.request), [1, 2, 3])
        XCTAssertEqual(Set(records.map(\.connection)).count, 1, "curl must have reused one connection")
        XCTAssertEqual(records.map(\.certificateSource), ["tls", "tls", "tls"])
        let steps = harness.authSteps()
        for request in 1...3 {
            let stages = steps.filter { $0.request == request }.map(\.step.stage)
            XCTAssertEqual(stages.first, .reset, "request \(request)")
            XCTAssertTrue(stages.contains(.map), "request \(request) must be mapped again")
            XCTAssertEqual(stages.last, .reset, "per-request resets after every request")
        }
        XCTAssertTrue(steps.allSatisfy { $0.mode == "per-request" })
    }

    func testHTTP10KeepAliveServesSeveralRequestsOnOneConnection() async throws {
        let harness = try await ServerHarness.start(self)
        let results = try await ExternalClients.curl(harness, cert: "alice", paths: ["/", "/x"], http10: true)
        XCTAssertEqual(results.map(\.decision), ["200", "200"])
        XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 1)
    }

    func testResourceRulesApplyPerRequestOnTheSameConnection() async throws {
        let harness = try await ServerHarness.start(self)
        let results = try await ExternalClients.curl(harness, cert: "bob", paths: ["/", "/admin", "/public/x"])
        XCTAssertEqual(results.map(\.decision), ["200", "401.3", "200"])
        XCTAssertEqual(results.map(\.account), ["sales", "", ""])
    }

    func testResponseBodyAndTraceHeaderLetAPersonFindTheDecision() async throws {
        let harness = try await ServerHarness.start(self)
        let (certificate, key) = harness.credential("erin")
        let output = try await ExternalClients.run("curl", [
            "-sS", "-i", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
            "--resolve", "localhost:\(harness.port):127.0.0.1", "--cert", certificate, "--key", key, "https://localhost:\(harness.port)/",
        ])
        XCTAssertTrue(output.stdout.contains("x-certmap-decision: 401.2") || output.stdout.contains("X-CertMap-Decision: 401.2"), output.stdout)
        XCTAssertTrue(output.stdout.contains("401.2: certificate is valid but no enabled mapping matches it"), output.stdout)
        let traceID = try XCTUnwrap(harness.requestRecords().first?.traceID)
        XCTAssertTrue(output.stdout.contains("trace: \(traceID)"), output.stdout)
    }

    func testTLS12AndTLS13ClientsAreBothAuthenticatedAndTheVersionIsRecorded() async throws {
        let harness = try await ServerHarness.start(self)
        let (certificate, key) = harness.credential("alice")
        for (flags, expected) in [(["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"), (["--tlsv1.3"], "TLSv1.3")] {
            let output = try await ExternalClients.run("curl", [
                "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(harness.port):127.0.0.1",
                "--cert", certificate, "--key", key, "-o", "/dev/null", "-w", "%{http_code}",
            ] + flags + ["https://localhost:\(harness.port)/"])
            XCTAssertEqual(output.stdout, "200", "\(expected): \(output.stderr)")
            _ = await eventually {
                harness.service.events.recent().contains { if case .connectionOpened(let opened) = $0.kind { opened.tlsVersion == expected } else { false } }
            }
            let versions = harness.service.events.recent().compactMap { event -> String? in
                if case .connectionOpened(let opened) = event.kind { return opened.tlsVersion }
                return nil
            }
            XCTAssertEqual(versions.last, expected)
        }
    }
}
