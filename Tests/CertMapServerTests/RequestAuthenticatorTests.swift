import CertMapCore
import CertMapJournal
import NIOHTTP1
import XCTest

@testable import CertMapServer

/// The request pipeline as a value: no sockets, no channel, no clock. Every route the server can
/// see (direct, a proxied address such as a CONNECT tunnel, a certificate forwarder) × every
/// persistence mode × every forwarded format × with and without a certificate.
final class RequestAuthenticatorTests: XCTestCase {
    private var home: DataHome!
    private var snapshot: ConfigSnapshot!
    private var alice: CertificateIdentity!
    private var bob: CertificateIdentity!
    private let valid = CertificateCheck(verdict: .valid, notes: [])

    private static let forwarder = ProxyTrust.PeerRole(proxied: true, forwarder: "edge", certificateIsForwarderIdentity: true, forwarderIsWeak: false)
    private static let proxiedAddress = ProxyTrust.PeerRole(proxied: true, forwarder: nil, certificateIsForwarderIdentity: false, forwarderIsWeak: false)
    private static let routes: [(name: String, role: ProxyTrust.PeerRole)] = [("direct", .direct), ("proxied address", proxiedAddress), ("forwarder", forwarder)]

    override func setUpWithError() throws {
        home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-authenticator-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
        snapshot = try ConfigStore(home: home).loadSnapshot()
        alice = try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
        bob = try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("bob.crt"))[0]
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home.url)
    }

    private func authenticator(role: ProxyTrust.PeerRole, presenting certificate: CertificateIdentity?, mode: AuthPersistencePreset = .perRequest) -> RequestAuthenticator {
        let info = ConnectionInfo(id: 7, peer: "127.0.0.5:4000", role: role, presented: certificate.map { [$0] } ?? [])
        return RequestAuthenticator(connection: info, run: "r00000001", persistence: mode.flags)
    }

    /// The generation the server would decide with, under `mode`.
    private func generation(_ mode: AuthPersistencePreset) -> ServerGeneration {
        ServerGeneration.lenient(snapshot, home: home, persistence: mode.flags)
    }

    private func head(_ uri: String = "/", _ headers: [(String, String)] = []) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        head.headers.add(name: "Host", value: "localhost")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        return head
    }

    /// One request through both calls, answering the check it asks for with `check`.
    private func decide(
        _ authenticator: inout RequestAuthenticator, _ head: HTTPRequestHead, mode: AuthPersistencePreset = .perRequest,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (prepared: RequestAuthenticator.Prepared, outcome: RequestAuthenticator.Outcome) {
        guard case .prepared(let prepared) = authenticator.begin(head, in: generation(mode)) else {
            XCTFail("the request was answered without a decision", file: file, line: line)
            throw CancellationError()
        }
        let check = prepared.certificateToCheck == nil ? nil : valid
        let outcome = authenticator.finish(prepared, check: check, traceID: "t-\(authenticator.requestIndex)", durationMicros: 3)
        return (prepared, outcome)
    }

    func testLegacyModeFailsSecondRequestOnProxiedConnection() throws {
        for (route, role) in Self.routes where role.proxied && !role.mayForwardCertificates {
            var connection = authenticator(role: role, presenting: alice, mode: .legacyIIS4)
            let first = try decide(&connection, head(), mode: .legacyIIS4)
            let second = try decide(&connection, head("/img/1.png"), mode: .legacyIIS4)
            XCTAssertEqual(first.outcome.decision.statusText, "200", route)
            XCTAssertEqual(second.outcome.decision.statusText, "401.2", route)
            XCTAssertEqual(second.outcome.decision.reason, .legacyResetWithoutRemap, route)
            XCTAssertNil(second.prepared.certificateToCheck, "a request that does not map asks for no check")
            XCTAssertTrue(first.outcome.decision.trace.steps.contains { $0.stage == .reset && $0.summary.contains("reset after request 1") })
            XCTAssertEqual(second.outcome.record.certificateSource, "none")
            XCTAssertEqual(second.outcome.record.certificate?.subject, alice.subject.rfc2253, "what the request presented is recorded, used or not")
        }
    }

    func testPerRequestModeMapsEveryRequestOnEveryRouteWithAndWithoutACertificate() throws {
        for (route, role) in Self.routes {
            var withCertificate = authenticator(role: role, presenting: alice)
            var without = authenticator(role: role, presenting: nil)
            for index in 1...3 {
                let mapped = try decide(&withCertificate, head("/img/\(index).png"))
                let anonymous = try decide(&without, head("/img/\(index).png"))
                if role.certificateIsForwarderIdentity {
                    // A forwarder's own certificate never stands for a user.
                    XCTAssertEqual(mapped.outcome.decision.statusText, "403.7", route)
                    XCTAssertNil(mapped.prepared.certificateToCheck, route)
                } else {
                    XCTAssertEqual(mapped.outcome.decision.statusText, "200", route)
                    XCTAssertEqual(mapped.outcome.decision.account, "alice", route)
                    XCTAssertEqual(mapped.outcome.record.certificateSource, "tls", route)
                    XCTAssertEqual(mapped.prepared.certificateToCheck, alice, route)
                }
                XCTAssertEqual(anonymous.outcome.decision.statusText, "403.7", route)
                XCTAssertEqual(mapped.outcome.record.request, index)
                XCTAssertEqual(mapped.outcome.record.route, role.mayForwardCertificates ? "reverse" : role.proxied ? "forward" : "direct", route)
            }
        }
    }

    func testForwardedCertificateIsBelievedOnlyFromAForwarderInEveryFormat() throws {
        let encoder = ForwardedCertificateEncoder()
        for format in ForwardedCertificateFormat.defaultPrecedence {
            let forwarded = encoder.headers(format: format, leaf: bob.der).map { ($0.name, $0.value) }
            for (route, role) in Self.routes {
                for own in [alice, nil] as [CertificateIdentity?] {
                    var connection = authenticator(role: role, presenting: own)
                    let (prepared, outcome) = try decide(&connection, head("/", forwarded))
                    let what = "\(format) via \(route), own certificate: \(own == nil ? "none" : "alice")"
                    if role.mayForwardCertificates {
                        XCTAssertEqual(outcome.decision.account, "sales", what)  // bob maps many-to-one to the sales account (demo config)
                        XCTAssertEqual(outcome.record.certificateSource, "forwarded:\(format.rawValue)", what)
                        XCTAssertEqual(outcome.decision.facts?.forwarded?.format, format.rawValue, what)
                        XCTAssertTrue(prepared.events.isEmpty, what)
                    } else {
                        // Stripped, reported, and the request judged on its own TLS identity.
                        XCTAssertEqual(outcome.decision.account, own == nil ? nil : "alice", what)
                        XCTAssertEqual(outcome.decision.statusText, own == nil ? "403.7" : "200", what)
                        XCTAssertEqual(outcome.record.certificateSource, own == nil ? "none" : "tls", what)
                        XCTAssertEqual(prepared.events.map(\.category), [.spoof], what)
                        XCTAssertNotNil(outcome.decision.facts?.strippedHeaders, what)
                        XCTAssertNotEqual(outcome.record.certificate?.subject, bob.subject.rfc2253, what)
                    }
                }
            }
        }
    }

    func testMalformedForwardedHeaderFromAForwarderIsAnswered400WithoutADecision() {
        var connection = authenticator(role: Self.forwarder, presenting: nil)
        guard case .answered(let answer) = connection.begin(head("/", [("Client-Cert", ":not base64!:")]), in: generation(.perRequest)) else {
            return XCTFail("a malformed forwarded header must be answered at once")
        }
        XCTAssertEqual(answer.status, .badRequest)
        XCTAssertEqual(answer.event.category, .malformedForwardedHeader)
        XCTAssertTrue(answer.message.contains("Client-Cert"), answer.message)
    }

    func testPerConnectionModeRecordsTheCertificateEachRequestPresentedBesideTheReusedIdentity() throws {
        // Through a forwarder, one pooled connection carries alice's request, then bob's.
        var connection = authenticator(role: Self.forwarder, presenting: nil, mode: .perConnection)
        let encoder = ForwardedCertificateEncoder()
        let first = try decide(&connection, head("/", encoder.headers(format: .rfc9440, leaf: alice.der).map { ($0.name, $0.value) }), mode: .perConnection)
        let second = try decide(&connection, head("/", encoder.headers(format: .rfc9440, leaf: bob.der).map { ($0.name, $0.value) }), mode: .perConnection)
        XCTAssertEqual(first.outcome.decision.account, "alice")
        XCTAssertEqual(second.outcome.decision.account, "alice", "per-connection reuses the first identity")
        XCTAssertEqual(second.outcome.record.certificateSource, "persisted")
        XCTAssertEqual(second.outcome.record.certificate?.subject, bob.subject.rfc2253, "bob presented, answered as alice: the record shows both")
    }

    func testSwitchingPersistenceStartsTheConnectionsAuthenticationAfresh() throws {
        var connection = authenticator(role: Self.proxiedAddress, presenting: alice, mode: .legacyIIS4)
        _ = try decide(&connection, head(), mode: .legacyIIS4)
        let switched = try decide(&connection, head("/a"), mode: .perRequest)
        XCTAssertEqual(switched.outcome.decision.statusText, "200")
        XCTAssertEqual(switched.outcome.record.mode, "per-request")
        XCTAssertEqual(switched.outcome.record.request, 2, "the connection's request count goes on")
    }

    func testResponseCarriesTheDecisionHeadersAndClosesWhenTheClientAsked() throws {
        var connection = authenticator(role: .direct, presenting: alice)
        let (_, outcome) = try decide(&connection, head("/", [("Connection", "close")]))
        XCTAssertFalse(outcome.keepAlive)
        XCTAssertEqual(outcome.response.headers["Connection"].first, "close")
        XCTAssertEqual(outcome.response.headers["X-CertMap-Account"].first, "alice")
        XCTAssertEqual(outcome.response.headers["X-CertMap-Trace"].first, "t-1")
        XCTAssertEqual(outcome.response.headers["Content-Length"].first, String(outcome.body.utf8.count))
        XCTAssertEqual(outcome.record.traceID, "t-1")
        XCTAssertEqual(outcome.record.durationMicros, 3)
        XCTAssertEqual(outcome.record.run, "r00000001")
    }

    func testHeadOverTheHeaderLimitIsRefused431NamingItsSize() {
        var limits = ServerLimits()
        limits.maxHeaderBytes = 100
        XCTAssertNil(RequestAuthenticator.headRejection(head("/"), limits: limits))
        let rejection = RequestAuthenticator.headRejection(head("/", [("X-Big", String(repeating: "a", count: 200))]), limits: limits)
        XCTAssertEqual(rejection?.0, .requestHeaderFieldsTooLarge)
        XCTAssertTrue(rejection?.1.contains("the limit is 100") ?? false)
    }
}
