import CertMapCore
import CertMapJournal
import CertMapProxy
import XCTest

/// The TLS-terminating reverse proxy with its upstream pool, driven by real curl.
final class ReverseProxyTests: XCTestCase {
    private func fetch(_ harness: ProxyHarness, user: String?, paths: [String] = ["/"], headers: [String] = []) async throws -> [String] {
        var arguments = ["-sS", "--cacert", harness.caBundle] + (user.map(harness.credential) ?? [])
        for header in headers { arguments += ["-H", header] }
        for path in paths {
            arguments += ["-o", "/dev/null", "-w", Curl.outcomeFormat, "https://localhost:\(harness.reversePort)\(path)"]
        }
        let output = try await Curl.run(arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.lines
    }

    func testEachUserIsForwardedWithTheirOwnCertificateInEveryFormat() async throws {
        for format in ForwardedCertificateFormat.allCases {
            let harness = try await ProxyHarness.start(self, format: format)
            let alice = try await fetch(harness, user: "alice", paths: ["/", "/a"])
            let bob = try await fetch(harness, user: "bob")
            XCTAssertEqual(alice + bob, ["200 200 alice", "200 200 alice", "200 200 sales"], "\(format)")
            let records = harness.requestRecords()
            XCTAssertEqual(Set(records.map(\.route)), ["reverse"], "\(format)")
            XCTAssertEqual(Set(records.map(\.certificateSource)), ["forwarded:\(format.rawValue)"])
            XCTAssertTrue(records.allSatisfy { $0.peer.hasPrefix("127.0.0.3:") })
        }
    }

    func testWithoutAClientCertificateNothingIsForwardedAndTheProxysOwnIdentityIsNotMapped() async throws {
        let harness = try await ProxyHarness.start(self)
        let got1 = try await fetch(harness, user: nil)
        XCTAssertEqual(got1, ["403 403.7"])
        let hop = try XCTUnwrap(harness.proxyHops().first { $0.action == .forwarded })
        XCTAssertEqual(hop.forwardedFormat, "none")
    }

    func testAClientsForgedForwardingHeaderIsStrippedByTheProxy() async throws {
        let harness = try await ProxyHarness.start(self)
        let alice = try CertificateLoader.certificates(at: harness.home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
        let forged = "Client-Cert: :\(Data(alice.der).base64EncodedString()):"
        let got2 = try await fetch(harness, user: "erin", headers: [forged])
        XCTAssertEqual(got2, ["401 401.2"], "erin stays erin")
        let got3 = try await fetch(harness, user: nil, headers: [forged])
        XCTAssertEqual(got3, ["403 403.7"])
        XCTAssertTrue(harness.requestRecords().allSatisfy { $0.decision.account == nil })
    }

    func testOnePooledConnectionInPerConnectionModeServesBobAsAlice() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perConnection, poolSize: 1, reuse: .always)
        let got4 = try await fetch(harness, user: "alice")
        XCTAssertEqual(got4, ["200 200 alice"])
        let got5 = try await fetch(harness, user: "bob")
        XCTAssertEqual(got5, ["200 200 alice"], "the leak, reproduced")
        let records = harness.requestRecords()
        XCTAssertEqual(Set(records.map(\.connection)).count, 1, "both users on one upstream connection")
        XCTAssertEqual(records.map { $0.certificate?.commonName }, ["alice", "bob"], "the record shows who really asked")
        let hops = harness.proxyHops().filter { $0.action == .forwarded }
        XCTAssertEqual(hops.map(\.clientConnection).count, 2)
        XCTAssertNotEqual(hops[0].clientConnection, hops[1].clientConnection, "two client connections…")
        XCTAssertEqual(hops[0].upstreamLocal, hops[1].upstreamLocal, "…one upstream connection")
    }

    func testOnePooledConnectionInPerRequestModeKeepsEveryoneApart() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perRequest, poolSize: 1, reuse: .always)
        let got6 = try await fetch(harness, user: "alice")
        XCTAssertEqual(got6, ["200 200 alice"])
        let got7 = try await fetch(harness, user: "bob")
        XCTAssertEqual(got7, ["200 200 sales"])
        let got8 = try await fetch(harness, user: "alice")
        XCTAssertEqual(got8, ["200 200 alice"])
        XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 1)
    }

    func testSafeReuseNeverSharesAnUpstreamConnectionBetweenClients() async throws {
        let harness = try await ProxyHarness.start(self, mode: .perConnection, poolSize: 1, reuse: .safe)
        let got9 = try await fetch(harness, user: "alice", paths: ["/", "/a"])
        XCTAssertEqual(got9, ["200 200 alice", "200 200 alice"])
        let got10 = try await fetch(harness, user: "bob")
        XCTAssertEqual(got10, ["200 200 sales"], "bob gets a connection of his own")
        XCTAssertEqual(Set(harness.requestRecords().map(\.connection)).count, 2)
    }
}
