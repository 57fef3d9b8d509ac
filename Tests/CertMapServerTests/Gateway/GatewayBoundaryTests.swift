import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// The gateway's boundary as an attacker tries it: every spelling of a governed path, sent raw
/// (Python's ssl module writes the request line byte for byte, as no URL-normalising client
/// would) to certmap in front of a real application that logs what it receives. Nothing that
/// resolves to `/admin` may reach the application undecided, and no spelling of an identity
/// header may pass.
final class GatewayBoundaryTests: XCTestCase {
    /// Sends each request line's target on its own TLS connection as `user` and prints one
    /// status code per line (0 when the connection closed without an answer).
    static let rawClient = #"""
import socket, ssl, sys
port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
extra = [h for h in sys.argv[5].split("\n") if h]
context = ssl.create_default_context(cafile=ca)
context.check_hostname = False
if cert != "-":
    context.load_cert_chain(cert, key)
for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    method, target = line.split(" ", 1)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + "".join(h + "\r\n" for h in extra) + "\r\n"
            tls.sendall(head.encode("latin-1"))
            data = b""
            try:
                while True:
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except (ssl.SSLError, ConnectionError):
                pass
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "0"
            print(status, flush=True)
"""#

    private func send(_ harness: ServerHarness, as user: String?, _ lines: [String], headers: [String] = []) async throws -> [Int] {
        let ca = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path
        let (certificate, key) = user.map(harness.credential) ?? ("-", "-")
        let output = try await ExternalTool.run(
            "python3", ["-c", Self.rawClient, String(harness.port), ca, certificate, key, headers.joined(separator: "\n")],
            input: Data(lines.joined(separator: "\n").utf8), timeout: 120)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.split(separator: "\n").map { Int($0) ?? -1 }
    }

    private func gateway(_ backend: EchoBackend) async throws -> ServerHarness {
        let upstream = try UpstreamURL(parsing: backend.url)
        return try await ServerHarness.start(self) { $0.server.gateway.upstream = upstream }
    }

    /// Every target that some backend resolves to /admin, each answered by certmap (401.3 for
    /// bob, 403.7 without a certificate, or 400) and never by the application — except what was
    /// normalised, decided as /admin and forwarded as such, which alice may use.
    static let adminSpellings = [
        "/admin", "/ADMIN", "/Admin/", "/%61dmin", "/%41DMIN", "//admin", "///admin/", "/./admin", "/public/../admin", "/public/./../admin",
        "/../admin", "/public/x/../../admin", "/admin;x=1", "/admin;jsessionid=9/", "/public;x/../admin", "/public/..;/admin", "/public/.;/../admin",
        "/%2e%2e/admin", "/public/%2e%2e/admin", "/public/.%2E/admin", "/public%2f..%2fadmin", "/public%2F%2E%2E%2Fadmin", "/public\\..\\admin",
        "/public/..%5cadmin", "/%252e%252e/admin", "/public/%c0%ae%c0%ae/admin", "/admin%00", "http://localhost/admin",
        "https://localhost/admin", "https://LOCALHOST:443/./admin", "https://127.0.0.1/%61dmin", "http://evil.example.org/admin",
        "https://user@localhost/admin",
    ]

    func testNoSpellingOfAGovernedPathReachesTheApplicationUndecided() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await gateway(backend)
        for user in ["bob", nil] as [String?] {
            let statuses = try await send(harness, as: user, Self.adminSpellings.map { "GET \($0)" })
            XCTAssertEqual(statuses.count, Self.adminSpellings.count)
            for (target, status) in zip(Self.adminSpellings, statuses) {
                XCTAssertTrue([400, 401, 403].contains(status), "\(user ?? "no certificate") GET \(target) → \(status)")
            }
        }
        // What the application saw: nothing at all, since neither bob nor an anonymous client may use /admin.
        let seen = try backend.seen()
        XCTAssertEqual(seen.map(\.path), [], "the application received requests certmap refused")
    }

    func testAnAllowedSpellingIsForwardedExactlyAsDecided() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await gateway(backend)
        let allowed = ["/%61dmin", "//admin", "/public/../admin", "/ADMIN", "https://localhost/./admin?x=1", "/admin;v=1/users"]
        let statuses = try await send(harness, as: "alice", allowed.map { "GET \($0)" })
        XCTAssertEqual(statuses, Array(repeating: 200, count: allowed.count))
        XCTAssertEqual(try backend.seen().map(\.path), ["/admin", "/admin", "/admin", "/ADMIN", "/admin?x=1", "/admin;v=1/users"])
        let records = harness.requestRecords()
        XCTAssertEqual(records.map(\.path), ["/admin", "/admin", "/admin", "/ADMIN", "/admin?x=1", "/admin;v=1/users"])
        let note = records[0].decision.trace.steps.map(\.summary).first { $0.contains("normalised") }
        XCTAssertEqual(note, #"target "/%61dmin" normalised to "/admin"; decided and forwarded as normalised"#)
    }

    func testAnonymousDotSegmentsOutOfAPublicPathAreDecidedOnWhereTheyLead() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await gateway(backend)
        let statuses = try await send(harness, as: nil, ["GET /public/../admin", "GET /public/x", "GET /PUBLIC/x/../y"])
        XCTAssertEqual(statuses, [403, 200, 200])
        XCTAssertEqual(try backend.seen().map(\.path), ["/public/x", "/PUBLIC/y"])
    }

    func testRefusedTargetsAreSecurityEventsWithTheirReason() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await gateway(backend)
        _ = try await send(harness, as: "alice", ["GET /public%2f..%2fadmin"])
        let events = harness.service.events.recent().compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .malformedRequest { return security }
            return nil
        }
        XCTAssertEqual(events.map(\.message), [#"request target "/public%2f..%2fadmin" refused: the target holds an encoded slash (%2F), which backends read differently"#])
    }

    func testNoSpellingOfAnIdentityOrCertificateHeaderReachesTheApplication() async throws {
        let backend = try EchoBackend.start(self)
        let harness = try await gateway(backend)
        let forged = [
            "X_CertMap_Account: root", "x_certmap_groups: admins", "X-CERTMAP-MAPPING: forged", "X_CertMap_Decision: 999", "Client_Cert: :AAAA:",
            "X_SSL_Client_Cert: forged", "X-Forwarded_Client_Cert: Hash=1", "x_forwarded_for: 10.0.0.1", "Transfer_Encoding: chunked",
        ]
        let statuses = try await send(harness, as: "bob", ["GET /reports"], headers: forged)
        XCTAssertEqual(statuses, [200])
        let seen = try XCTUnwrap(try backend.seen().first)
        let names = seen.headers.map { HeaderNameFolding.folded($0[0]) }
        for header in forged {
            let name = HeaderNameFolding.folded(String(header.prefix { $0 != ":" }))
            let values = seen.headers.filter { HeaderNameFolding.folded($0[0]) == name }.map { $0[1] }
            XCTAssertFalse(values.contains { header.hasSuffix(": " + $0) }, "\(header) reached the application (\(names))")
        }
        XCTAssertEqual(seen.values("X-CertMap-Account"), ["sales"], "bob maps to the sales account")
    }
}
