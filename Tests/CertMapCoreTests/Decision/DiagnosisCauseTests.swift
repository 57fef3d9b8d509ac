import Foundation
import XCTest

@testable import CertMapCore

/// Issue 15's table of causes, each from real certificates (the demo PKI), the real validator
/// and the real engine: the diagnosis kind, the specifics it names and the fix. Two 401.2s for
/// different reasons are different causes; a 200 under someone else's identity is one too.
final class DiagnosisCauseTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var home: DataHome!
    private var base: ConfigDocument!
    private var validator: CertificateValidator!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-diagnosis")
        home = DataHome(url: temporary.url)
        _ = try DemoPKI.initialize(in: home.pkiDirectory, now: Date())
        base = try DemoConfiguration.make(pkiDirectory: home.pkiDirectory)
        validator = try TrustConfiguration.validator(for: base.trust, home: home)
    }

    override func tearDown() {
        temporary?.remove()
    }

    private func certificate(_ name: String) throws -> CertificateIdentity {
        try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("\(name).crt"))[0]
    }

    private func request(_ name: String?, index: Int = 1, mode: String = "per-request", proxied: Bool = false) throws -> Diagnosis.Request {
        let identity = try name.map(certificate)
        return Diagnosis.Request(
            path: "/", index: index, mode: mode, proxied: proxied, certificateSource: identity == nil ? "none" : "tls",
            subject: identity?.subject.rfc2253, issuer: identity?.issuer.rfc2253)
    }

    /// Decides `name`'s certificate under `document` (the demo configuration by default).
    private func diagnose(_ name: String, edit: (inout ConfigDocument) -> Void = { _ in }) async throws -> Diagnosis {
        var document = base!
        edit(&document)
        let engine = try ConfigSnapshot(document: document, generation: 2).engine
        let identity = try certificate(name)
        let check = await validator.check(identity, presentedChain: [], at: Date())
        let decision = engine.decide(AuthenticationRequest(path: "/", certificate: identity, check: check))
        return Diagnosis(decision, for: try request(name))
    }

    private func assertCause(
        _ diagnosis: Diagnosis, _ kind: Diagnosis.Kind, names: [String], fix: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(diagnosis.kind, kind, diagnosis.cause, file: file, line: line)
        for name in names {
            XCTAssertTrue(diagnosis.cause.contains(name) || diagnosis.evidence.contains { $0.contains(name) }, "\(kind) should name \(name): \(diagnosis.cause) \(diagnosis.evidence)", file: file, line: line)
        }
        XCTAssertTrue(diagnosis.fix.contains(fix), "\(kind) fix: \(diagnosis.fix)", file: file, line: line)
    }

    func testTrustCausesAreDistinctAndNameTheirSpecifics() async throws {
        assertCause(try await diagnose("impostor"), .impersonation, names: ["alice (demo certificate)", "CertMap Impostor Root"], fix: "Do not trust this issuer")
        assertCause(try await diagnose("server"), .notForClientAuthentication, names: ["serverAuth"], fix: "clientAuth extended key usage")
        let eku = try await diagnose("server")
        XCTAssertEqual(eku.headline, "403.16  certificate may not be used for TLS client authentication (its extended key usage)")
        XCTAssertFalse(eku.headline.contains("not trusted"), "the chain is trusted; only the key usage is wrong")
        assertCause(try await diagnose("root-ca"), .certificateAuthority, names: ["CA:TRUE"], fix: "end-entity certificate")
        assertCause(try await diagnose("expired"), .expired, names: ["CN=expired-user", "expired on 20"], fix: "new certificate")
        assertCause(try await diagnose("notyet"), .notYetValid, names: ["not valid until 20"], fix: "clocks")
        assertCause(try await diagnose("revoked"), .revoked, names: ["CRL of CN=CertMap Demo Issuing CA", "keyCompromise"], fix: "new certificate")
        let early = try await diagnose("notyet")
        XCTAssertTrue(early.cause.contains("after certmap checked it"), "the clock error is measured: \(early.cause)")
        let revoked = try await diagnose("revoked")
        XCTAssertTrue(revoked.fix.contains("is permanent, only a hold can be released"), "keyCompromise is not undone by a CRL: \(revoked.fix)")
    }

    func testAnUntrustedIssuerWithoutAMappedLookAlikeIsNoTrustedChain() async throws {
        let diagnosis = try await diagnose("impostor") { $0.oneToOne.removeAll() }
        assertCause(diagnosis, .noTrustedChain, names: ["CertMap Impostor Root", "CA bundle"], fix: "trust.caBundle")
    }

    func testEach401Point2HasItsOwnCauseFromItsNearMiss() async throws {
        // bob maps by "Contoso sales"; each edit leaves him unmapped for a different reason.
        let sales = { (document: inout ConfigDocument) -> Int in document.manyToOne.firstIndex { $0.name == "Contoso sales" }! }
        assertCause(try await diagnose("bob") { $0.manyToOne[sales(&$0)].enabled = false }, .mappingDisabled, names: ["Contoso sales", "disabled"], fix: "Enable")
        assertCause(try await diagnose("bob") { document in
            let index = sales(&document)
            document.manyToOne[index].rules[1] = RuleEntry(subfield: .organizationalUnit, match: "SALES", caseSensitive: true)
        }, .letterCase, names: ["Contoso sales", "\"SALES\""], fix: "case-insensitive")
        assertCause(try await diagnose("bob") { document in
            let index = sales(&document)
            document.manyToOne[index].rules.append(RuleEntry(subfield: .locality, match: "Nowhere"))
        }, .oneRuleDiffers, names: ["Contoso sales", "subject.L"], fix: "widen that rule")
        // alice's one-to-one mapping names her previous certificate (another key, same subject).
        assertCause(try await diagnose("alice") { document in
            document.manyToOne.removeAll { $0.name == "Contoso engineering" }
            document.oneToOne[0].certificate = nil
            document.oneToOne[0].sha256 = String(repeating: "AB:", count: 31) + "AB"
        }, .renewedCertificate, names: ["alice (demo certificate)", "another key or serial"], fix: "Map the new certificate")
        assertCause(try await diagnose("erin"), .notMapped, names: ["CN=erin"], fix: "Add a mapping")
    }

    /// Near misses are searched over every mapping, not only the ones the index preselects: a
    /// one-rule mapping on the wrong field or subfield is found, and named.
    func testARuleOnTheOtherFieldOrSubfieldIsFoundAndNamed() async throws {
        assertCause(try await diagnose("erin") { document in
            document.manyToOne.append(ManyToOneEntry(name: "erin by CN", account: "sales", rules: [RuleEntry(field: .issuer, subfield: .commonName, match: "erin")]))
        }, .ruleOnOtherField, names: ["erin by CN", "issuer.CN = \"erin\" fails, but subject.CN = \"erin\" matches"], fix: "field")
        assertCause(try await diagnose("erin") { document in
            document.manyToOne.append(ManyToOneEntry(name: "erin by mail", account: "sales", rules: [RuleEntry(subfield: .commonName, match: "erin@northwind.example")]))
        }, .ruleOnOtherSubfield, names: ["erin by mail", "subject.CN = \"erin@northwind.example\" fails"], fix: "subfield")
        assertCause(try await diagnose("erin") { document in
            document.manyToOne.append(ManyToOneEntry(name: "Northwind support", account: "sales", rules: [
                RuleEntry(subfield: .organization, match: "Nrothwind*"), RuleEntry(subfield: .organizationalUnit, match: "Support"),
            ]))
        }, .almostMatchingRule, names: ["Northwind support", "subject.O = \"Nrothwind*\" fails on \"Northwind\" by one letter"], fix: "spelling")
    }

    /// A renewal that moved the e-mail address out of the subject is still recognised.
    func testARenewedCertificateWhoseSubjectLostItsEmailIsStillRecognised() async throws {
        assertCause(try await diagnose("alice") { document in
            document.manyToOne.removeAll { $0.name == "Contoso engineering" }
            document.oneToOne[0].certificate = nil
            document.oneToOne[0].sha256 = String(repeating: "AB:", count: 31) + "AB"
            document.oneToOne[0].subject = "CN=alice,OU=Engineering,O=Contoso,C=US"
        }, .renewedCertificate, names: ["alice (demo certificate)", "e-mail address moved"], fix: "Map the new certificate")
    }

    func testRefusedAccountsAreNamedInTheCauseAndTheFix() async throws {
        // bob maps to sales ("Contoso sales"); each edit refuses that account for another reason.
        let disabled = try await diagnose("bob") { document in
            document.accounts[document.accounts.firstIndex { $0.name == "sales" }!].enabled = false
        }
        assertCause(disabled, .accountDisabled, names: ["Contoso sales", "account sales, which is disabled"], fix: "Enable account sales")
        let bob = try certificate("bob")
        let engine = try ConfigSnapshot(document: base, generation: 2).engine
        // Validation keeps a configuration from naming a missing account; an engine built without accounts still can.
        let withoutAccounts = DecisionEngine(mappings: engine.mappings, policy: AccessPolicy(accounts: [], resources: []), generation: 3)
        let missing = withoutAccounts.decide(AuthenticationRequest(path: "/", certificate: bob, check: CertificateCheck(verdict: .valid, notes: [])))
        assertCause(Diagnosis(missing, for: try request("bob")), .accountUnknown, names: ["account sales, which does not exist"], fix: "Create account sales")
        let admin = engine.decide(AuthenticationRequest(path: "/admin/users", certificate: bob, check: CertificateCheck(verdict: .valid, notes: [])))
        XCTAssertEqual(admin.statusText, "401.3")
        let request = Diagnosis.Request(path: "/admin/users", index: 1, mode: "per-request", proxied: false, certificateSource: "tls", subject: bob.subject.rfc2253, issuer: nil)
        // The governing resource and what it requires are named, not only the path.
        assertCause(
            Diagnosis(admin, for: request), .resourceNotAllowed,
            names: ["account sales (groups sales)", "/admin/users is governed by the resource /admin", "allows only group admins"],
            fix: "add it to group admins")
    }

    func testADenyMappingThatShadowsAnAllowSaysWhichAllowWouldHaveMatched() async throws {
        let plain = try await diagnose("dave")
        assertCause(plain, .deniedByMapping, names: ["Contoso contractors"], fix: "narrow the deny mapping")
        let shadowed = try await diagnose("dave") { document in
            document.manyToOne.append(ManyToOneEntry(name: "All of Contoso", account: "sales", rules: [RuleEntry(subfield: .organization, match: "Contoso")]))
        }
        assertCause(shadowed, .allowShadowedByDeny, names: ["All of Contoso", "Contoso contractors"], fix: "move many-to-one #")
    }

    func testAnIdentityReusedForAnotherUsersRequestIsMisattributedNotNothingToFix() throws {
        let engine = try ConfigSnapshot(document: base, generation: 2).engine
        let bob = try certificate("bob")
        let alice = try certificate("alice")
        let persisted = ConnectionAuthentication.Persisted(account: "alice", mapping: "one-to-one \"alice (demo certificate)\"", requestIndex: 1, certificateSubject: alice.subject.rfc2253)
        let decision = engine.decideReusing(persisted, path: "/", trace: DecisionTrace(), presented: bob, check: nil)
        XCTAssertEqual(decision.statusText, "200")
        let diagnosis = Diagnosis(decision, for: try request("bob", index: 2, mode: "per-connection", proxied: true))
        assertCause(diagnosis, .misattributed, names: ["Answered as alice", "CN=bob", "maps to sales", "request 1"], fix: "per-request")
        XCTAssertFalse(diagnosis.fix.contains("Nothing to fix"))
        // The same certificate again is no misattribution.
        let same = engine.decideReusing(persisted, path: "/", trace: DecisionTrace(), presented: alice, check: nil)
        XCTAssertEqual(Diagnosis(same, for: try request("alice", index: 2)).kind, .allowed)
    }

    func testMissingCertificateCausesTellAForgeryFromAnUnconfiguredForwarderFromAProxyThatForwardsNothing() throws {
        let engine = try ConfigSnapshot(document: base, generation: 2).engine
        let refused = engine.decide(AuthenticationRequest(path: "/", certificate: nil, check: nil))
        XCTAssertEqual(refused.statusText, "403.7")
        assertCause(Diagnosis(refused, for: try request(nil)), .certificateRequired, names: ["presented none"], fix: "present its certificate")
        assertCause(Diagnosis(refused, for: try request(nil, proxied: true)), .certificateNotForwarded, names: ["through a proxy"], fix: "server.certificateForwarders")
        let forged = refused.adding(DecisionFacts(strippedHeaders: StrippedHeaders(names: ["Client-Cert"], peer: "127.0.0.1:5000", proxyHints: [])))
        assertCause(Diagnosis(forged, for: try request(nil)), .forgedForwardedHeaders, names: ["Client-Cert", "127.0.0.1:5000", "plain client"], fix: "Find the client forging them")
        let tunnel = refused.adding(DecisionFacts(strippedHeaders: StrippedHeaders(names: ["X-SSL-Client-Cert"], peer: "127.0.0.2:6000", proxyHints: ["its address is a proxied-connection address"])))
        assertCause(Diagnosis(tunnel, for: try request(nil, proxied: true)), .unconfiguredForwarder, names: ["X-SSL-Client-Cert", "proxied-connection address"], fix: "sha256")
    }

    func testAForwardedCertificateNamesItsForwarderHeaderAndXFCCElementInEveryCause() async throws {
        let forwarded = DecisionFacts(forwarded: ForwardedProvenance(
            format: "xfcc", header: "X-Forwarded-Client-Cert", peer: "127.0.0.3:41000", xfccElement: XFCCElementPosition(index: 2, count: 2)))
        let line = "certificate forwarded by 127.0.0.3:41000 in X-Forwarded-Client-Cert (xfcc), element 2 of 2 (the rightmost, appended by the nearest proxy; the others are not believed)"
        let engine = try ConfigSnapshot(document: base, generation: 2).engine
        for name in ["alice", "erin"] {
            let identity = try certificate(name)
            let check = await validator.check(identity, presentedChain: [], at: Date())
            let decision = engine.decide(AuthenticationRequest(path: "/", certificate: identity, check: check)).adding(forwarded)
            let diagnosis = Diagnosis(decision, for: try request(name, proxied: true))
            XCTAssertEqual(diagnosis.evidence.last, line, "\(name): \(diagnosis.kind)")
        }
    }

    func testTheLegacyResetNamesTheRequestAndTheMode() throws {
        let engine = try ConfigSnapshot(document: base, generation: 2).engine
        let decision = engine.decideAfterResetWithoutRemap(resetAfterRequest: 2, trace: DecisionTrace())
        assertCause(Diagnosis(decision, for: try request("alice", index: 3, mode: "legacy-iis4", proxied: true)), .legacyResetWithoutRemap, names: ["request 2", "legacy-iis4", "KB Q190009"], fix: "per-request")
    }

    func testNeedsAttentionWithoutWordsAgreesWithTheDiagnosisForEveryReasonFactAndUpstream() {
        let misattribution = Misattribution(presentedSubject: "CN=bob", presentedAccount: "bob", servedAccount: "alice", mappedFromRequest: 1, mappedFromSubject: "CN=alice")
        let factsCases: [DecisionFacts?] = [
            nil, DecisionFacts(misattribution: misattribution), DecisionFacts(trust: .expired(subject: "CN=alice", notAfter: Date(timeIntervalSince1970: 0), inChain: false)),
            DecisionFacts(strippedHeaders: StrippedHeaders(names: ["X-SSL-Client-Cert"], peer: "127.0.0.1", proxyHints: [])),
            DecisionFacts(forwarderHeadersWithoutCertificate: ["X-SSL-Client-Verify"]),
        ]
        for reason in DecisionReason.allCases {
            for facts in factsCases {
                for failure in [nil, "connection refused"] {
                    for proxied in [false, true] {
                        let decision = Decision(reason: reason, account: reason.status == 200 ? "alice" : nil, mapping: nil, trace: DecisionTrace(), generation: 1, facts: facts)
                        let request = Diagnosis.Request(
                            path: "/", index: 2, mode: "per-request", proxied: proxied, certificateSource: "tls", subject: "CN=alice", issuer: "CN=CA",
                            upstream: failure == nil ? nil : "http://127.0.0.1:1", upstreamFailure: failure)
                        XCTAssertEqual(
                            Diagnosis.needsAttention(decision, request), Diagnosis(decision, for: request).needsAttention,
                            "\(reason) facts \(String(describing: facts)) failure \(failure ?? "-") proxied \(proxied)")
                    }
                }
            }
        }
    }
}
