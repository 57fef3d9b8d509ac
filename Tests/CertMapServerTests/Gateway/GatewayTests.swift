import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// certmap in front of a real application (Python's http.server in its own process), driven by
/// real curl: allowed requests reach the app with the identity certmap decided and nothing a
/// client claimed; refused ones never reach it; bodies stream both ways; an app that is down or
/// too slow is 502 or 504, and certmap keeps serving.
final class GatewayTests: XCTestCase {
    private func start(_ backend: String, edit: @escaping (inout ConfigDocument) -> Void = { _ in }) async throws -> ServerHarness {
        let upstream = try UpstreamURL(parsing: backend)
        return try await ServerHarness.start(self) { document in
            document.server.gateway.upstream = upstream
            edit(&document)
        }
    }

    /// curl as `user` (nil: no certificate); returns status, the response's headers and body.
    private func curl(_ harness: ServerHarness, as user: String?, _ path: String, _ extra: [String] = []) async throws -> (status: Int, headers: String, body: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headers = directory.appendingPathComponent("headers")
        var arguments = ["-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "-D", headers.path]
        if let user {
            let (certificate, key) = harness.credential(user)
            arguments += ["--cert", certificate, "--key", key]
        }
        arguments += extra + ["-w", "\n%{http_code}", "https://127.0.0.1:\(harness.port)\(path)"]
        let output = try await ExternalClients.run("curl", arguments, timeout: 60)
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, (try? String(contentsOf: headers, encoding: .utf8)) ?? "", lines.dropLast().joined(separator: "\n"))
    }

    func testAnAllowedRequestReachesTheAppAsItsOwnIdentityAndForgedIdentityHeadersNeverDo() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url)
        let response = try await curl(harness, as: "alice", "/reports?q=1", [
            "-H", "X-CertMap-Account: root", "-H", "x-certmap-groups: admins", "-H", "X-CertMap-Decision: 200",
            "-H", "X-Forwarded-For: 10.9.9.9", "-H", "Connection: keep-alive, X-Secret", "-H", "X-Secret: hop",
        ])
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.headers.lowercased().contains("x-app: echo"), response.headers)
        XCTAssertTrue(response.headers.lowercased().contains("x-certmap-trace: t-"), response.headers)
        let seen = try XCTUnwrap(try backend.seen().first)
        XCTAssertEqual(seen.path, "/reports?q=1")
        XCTAssertEqual(seen.values("X-CertMap-Account"), ["alice"])
        XCTAssertEqual(seen.values("X-CertMap-Groups"), ["engineering,admins"])
        XCTAssertEqual(seen.values("X-CertMap-Decision"), ["200"])
        XCTAssertEqual(seen.values("X-CertMap-Mapping").count, 1)
        XCTAssertEqual(seen.values("X-Forwarded-For"), ["127.0.0.1"])
        XCTAssertEqual(seen.values("X-Forwarded-Proto"), ["https"])
        XCTAssertEqual(seen.values("Forwarded").first?.hasPrefix("for=127.0.0.1;proto=https"), true)
        XCTAssertEqual(seen.values("X-Secret"), [], "a header named in Connection is hop-by-hop")
        XCTAssertEqual(seen.values("Host"), ["127.0.0.1:\(backend.port)"])
        let record = try XCTUnwrap(harness.requestRecords().last)
        XCTAssertEqual(record.decision.account, "alice")
        XCTAssertEqual(record.upstream?.status, 200)
        XCTAssertEqual(record.upstream?.upstream, "http://127.0.0.1:\(backend.port)")
        XCTAssertNil(record.upstream?.failure)
    }

    func testRefusedRequestsNeverReachTheApp() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url)
        for (user, status, decision) in [("erin", 401, "401.2"), ("expired", 403, "403.17"), ("impostor", 403, "403.16"), (nil, 403, "403.7")] {
            let response = try await curl(harness, as: user, "/", ["-H", "X-CertMap-Account: alice", "--data-binary", "secret"])
            XCTAssertEqual(response.status, status, "\(user ?? "no certificate")")
            XCTAssertTrue(response.headers.contains("X-CertMap-Decision: \(decision)"), response.headers)
        }
        XCTAssertEqual(try backend.seen().count, 0, "the application saw a refused request")
        XCTAssertTrue(harness.requestRecords().allSatisfy { $0.upstream == nil })
    }

    func testBodiesStreamBothWaysIntactWithinTheLimit() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.limits.maxBodyBytes = 64 * 1024 * 1024 }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(20 * 1024 * 1024 / 8)).map { _ in generator.next() as UInt64 }
        let data = bytes.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: file)
        let digest = try await ExternalClients.run("sha256sum", [file.path]).stdout.split(separator: " ")[0]
        // Content-Length (curl sends Expect: 100-continue for a body this size; certmap answers it) ...
        let upload = try await curl(harness, as: "alice", "/upload", ["--data-binary", "@\(file.path)"])
        XCTAssertEqual(upload.status, 200, upload.body)
        // ... and chunked.
        let chunked = try await curl(harness, as: "alice", "/upload", ["-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)"])
        XCTAssertEqual(chunked.status, 200, chunked.body)
        let seen = try backend.seen()
        XCTAssertEqual(seen.map(\.bodyLength), [data.count, data.count])
        XCTAssertEqual(seen.map(\.bodySHA256), [String(digest), String(digest)])
        XCTAssertEqual(seen[0].values("Expect"), [], "certmap answers 100-continue itself")
        let download = try await ExternalClients.run("curl", [
            "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
            "--cert", harness.credential("alice").certificate, "--key", harness.credential("alice").key,
            "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "https://127.0.0.1:\(harness.port)/bytes/20000000",
        ], timeout: 60)
        XCTAssertEqual(download.stdout, "200 20000000", download.stderr)
        let records = harness.requestRecords().filter { $0.upstream != nil }
        XCTAssertEqual(records.map { $0.upstream?.bytesSent }, [data.count, data.count, 0])
        XCTAssertEqual(records.last?.upstream?.bytesReceived, 20_000_000)
    }

    func testABodyOverTheLimitIsRefusedWith413() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.limits.maxBodyBytes = 1000 }
        let response = try await curl(harness, as: "alice", "/upload", ["--data-binary", String(repeating: "x", count: 5000)])
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(try backend.seen().allSatisfy { $0.bodyLength <= 1000 })
    }

    func testABodyThatArrivesBeforeTheDecisionStillStreamsOnceAllowed() async throws {
        // No Expect: the client sends the body at once, while its new certificate is still being
        // validated, so certmap reads ahead, pauses, and must resume when the exchange starts.
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.limits.maxBodyBytes = 8 * 1024 * 1024 }
        let body = String(repeating: "y", count: 2 * 1024 * 1024)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-readahead-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(body.utf8).write(to: file)
        // bob first, so a kept-alive upstream connection is waiting and the exchange attaches at once.
        let warm = try await curl(harness, as: "bob", "/")
        XCTAssertEqual(warm.status, 200)
        let response = try await curl(harness, as: "alice", "/upload", ["-H", "Expect:", "--data-binary", "@\(file.path)", "--max-time", "20"])
        XCTAssertEqual(response.status, 200, response.body)
        XCTAssertEqual(try backend.seen().map(\.bodyLength), [0, body.utf8.count])
    }

    func testARefusedBodyDoesNotCountAgainstTheNextRequestOnTheConnection() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.limits.maxBodyBytes = 1000 }
        let body = String(repeating: "z", count: 800)
        let (certificate, key) = harness.credential("bob")
        let ca = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        // One connection: /admin refuses bob (401.3), then / lets him in; 800 + 800 bytes is over
        // the limit only if the first body were counted twice.
        let output = try await ExternalClients.run("curl", [
            "-sS", "--cacert", ca, "--cert", certificate, "--key", key, "--data-binary", body, "-o", "/dev/null", "-w", "%{http_code} ",
            "https://127.0.0.1:\(harness.port)/admin/x",
            "--next", "-sS", "--cacert", ca, "--cert", certificate, "--key", key, "--data-binary", body, "-o", "/dev/null", "-w", "%{http_code}",
            "https://127.0.0.1:\(harness.port)/",
        ])
        XCTAssertEqual(output.stdout, "401 200", output.stderr)
        XCTAssertEqual(try backend.seen().map(\.bodyLength), [800])
    }

    func testABodyOverTheLimitMidStreamIsNotBlamedOnTheApplication() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.limits.maxBodyBytes = 1000 }
        // Warm the validation cache, so the next request is decided at once and streams.
        _ = try await curl(harness, as: "alice", "/")
        let response = try await curl(harness, as: "alice", "/upload", ["-H", "Expect:", "--data-binary", String(repeating: "x", count: 5000)])
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(response.body.contains("request body exceeds the limit of 1000 bytes"), response.body)
        XCTAssertFalse(response.body.contains("did not answer"), response.body)
    }

    func testKeptAliveClientRequestsShareOneUpstreamConnectionAndHTTP10Works() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url)
        let statuses = try await ExternalClients.curl(harness, cert: "alice", paths: ["/a", "/b", "/c"])
        XCTAssertEqual(statuses.map(\.code), [200, 200, 200])
        let ports = Set(try backend.seen().map(\.clientPort))
        XCTAssertEqual(ports.count, 1, "one kept-alive upstream connection carried the three requests")
        let old = try await ExternalClients.curl(harness, cert: "bob", paths: ["/d"], http10: true)
        XCTAssertEqual(old.map(\.code), [200])
        XCTAssertEqual(try backend.seen().last?.values("X-CertMap-Account"), ["sales"])
    }

    func testAnApplicationThatIsDownIs502AndCertmapKeepsServing() async throws {
        let closed = try await ExternalClients.run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        let harness = try await start("http://127.0.0.1:\(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        for _ in 0..<2 {
            let response = try await curl(harness, as: "alice", "/")
            XCTAssertEqual(response.status, 502)
            XCTAssertTrue(response.body.contains("connection refused"), response.body)
        }
        let record = try XCTUnwrap(harness.requestRecords().last)
        XCTAssertEqual(record.decision.account, "alice")
        XCTAssertNil(record.upstream?.status)
        XCTAssertEqual(record.upstream?.failure, "connection refused: nothing listens there")
        let refused = try await curl(harness, as: "erin", "/")
        XCTAssertEqual(refused.status, 401, "refusals do not depend on the application")
    }

    func testAnApplicationThatDoesNotAnswerInTimeIs504() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url) { $0.server.gateway.responseTimeoutSeconds = 1 }
        let response = try await curl(harness, as: "alice", "/slow/3")
        XCTAssertEqual(response.status, 504)
        XCTAssertTrue(response.body.contains("no response head within 1 s"), response.body)
        let fine = try await curl(harness, as: "alice", "/fast")
        XCTAssertEqual(fine.status, 200)
    }

    func testNginxInFrontOfTheGatewayForwardsEachUsersCertificateAndTheAppSeesThatUser() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await start(backend.url)
        let nginx = try await NginxProcess.start(self, upstreamPort: harness.port, pki: harness.home.pkiDirectory)
        for user in ["alice", "bob", "erin"] {
            let (certificate, key) = harness.credential(user)
            let output = try await ExternalClients.run("curl", [
                "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, "--resolve", "localhost:\(nginx.port):127.0.0.1",
                "--cert", certificate, "--key", key, "-H", "X-CertMap-Account: root", "-o", "/dev/null", "-w", "%{http_code}", "https://localhost:\(nginx.port)/via-nginx",
            ])
            XCTAssertEqual(output.stdout, user == "erin" ? "401" : "200", "\(user): \(nginx.logText)")
        }
        let seen = try backend.seen()
        XCTAssertEqual(seen.map { $0.values("X-CertMap-Account") }, [["alice"], ["sales"]], "erin (unmapped) never reached the app")
        XCTAssertTrue(seen.allSatisfy { $0.values("X-SSL-Client-Cert").isEmpty }, "the forwarded certificate is consumed by certmap")
        XCTAssertEqual(harness.requestRecords().map(\.certificateSource), ["forwarded:escapedPEM", "forwarded:escapedPEM", "forwarded:escapedPEM"])
    }
}
