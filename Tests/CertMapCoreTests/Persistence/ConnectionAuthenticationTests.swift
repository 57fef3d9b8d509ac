import CertMapCore
import XCTest

/// The IIS `AuthPersistence` state machine, without sockets: what each request on a connection
/// does under each preset and flag combination.
final class ConnectionAuthenticationTests: XCTestCase {
    private func decision(_ reason: DecisionReason, account: String?) -> Decision {
        Decision(reason: reason, account: account, mapping: account.map { "one-to-one \"\($0)\"" }, trace: DecisionTrace(), generation: 1)
    }

    /// Runs `requests` requests: each either maps (allowed as `account`) or follows the plan.
    private func plans(_ preset: AuthPersistencePreset, proxied: [Bool], account: String = "alice") -> [String] {
        var connection = ConnectionAuthentication(persistence: preset.flags)
        return proxied.map { isProxied in
            let plan = connection.plan()
            let outcome: Decision
            let label: String
            switch plan {
            case .map:
                label = "map"
                outcome = decision(.allowed, account: account)
            case .reuse(let persisted):
                label = "reuse:\(persisted.account)@\(persisted.requestIndex)"
                outcome = decision(.allowed, account: persisted.account)
            case .failAfterReset(let after):
                label = "fail-after-reset:\(after)"
                outcome = decision(.legacyResetWithoutRemap, account: nil)
            }
            connection.record(outcome, certificateSubject: "CN=\(account)", requestIsProxied: isProxied)
            return label
        }
    }

    func testPerRequestMapsEveryRequestDirectOrProxied() {
        XCTAssertEqual(plans(.perRequest, proxied: [false, false, false]), ["map", "map", "map"])
        XCTAssertEqual(plans(.perRequest, proxied: [true, true, true]), ["map", "map", "map"])
    }

    func testLegacyIIS4FailsEveryRequestAfterTheFirstOnAProxiedConnection() {
        XCTAssertEqual(plans(.legacyIIS4, proxied: [true, true, true]), ["map", "fail-after-reset:1", "fail-after-reset:2"])
    }

    func testLegacyIIS4MapsADirectConnectionOnceAndReusesIt() {
        XCTAssertEqual(plans(.legacyIIS4, proxied: [false, false, false]), ["map", "reuse:alice@1", "reuse:alice@1"])
    }

    func testPerConnectionReusesTheFirstIdentityEvenWhenProxied() {
        XCTAssertEqual(plans(.perConnection, proxied: [true, true, true]), ["map", "reuse:alice@1", "reuse:alice@1"])
    }

    func testFailedMappingIsNotPersistedSoTheNextRequestMapsAgain() {
        var connection = ConnectionAuthentication(persistence: AuthPersistencePreset.perConnection.flags)
        connection.record(decision(.notMapped, account: nil), certificateSubject: "CN=erin", requestIsProxied: false)
        guard case .map = connection.plan() else { return XCTFail("expected map, got \(connection.plan())") }
    }

    func testSingleRequestAlwaysIfProxyKeepsResettingOnceAConnectionWasProxied() {
        let flags = AuthPersistence(singleRequest: false, singleRequestIfProxy: false, singleRequestAlwaysIfProxy: true, remapAfterReset: true)
        XCTAssertFalse(flags.resetsAfter(requestIsProxied: false, connectionSeenProxied: false))
        XCTAssertTrue(flags.resetsAfter(requestIsProxied: true, connectionSeenProxied: false))
        XCTAssertTrue(flags.resetsAfter(requestIsProxied: false, connectionSeenProxied: true))
        let ifProxy = AuthPersistence(singleRequest: false, singleRequestIfProxy: true, singleRequestAlwaysIfProxy: false, remapAfterReset: true)
        XCTAssertFalse(ifProxy.resetsAfter(requestIsProxied: false, connectionSeenProxied: true))
    }

    func testPresetsAreRecognisedFromTheirFlagsAndCustomFlagsAreSpelledOut() {
        for preset in AuthPersistencePreset.allCases {
            XCTAssertEqual(preset.flags.preset, preset)
            XCTAssertEqual(preset.flags.description, preset.rawValue)
        }
        let custom = AuthPersistence(singleRequest: false, singleRequestIfProxy: true, singleRequestAlwaysIfProxy: true, remapAfterReset: false)
        XCTAssertNil(custom.preset)
        XCTAssertEqual(custom.description, "custom(singleRequestIfProxy,singleRequestAlwaysIfProxy)")
    }

    func testReuseDecisionRunsAsThePersistedAccountAndStillChecksTheResource() throws {
        let document = ConfigDocument(
            accounts: [AccountEntry(name: "alice", groups: ["staff"])],
            resources: [ResourceEntry(path: "/", clientCertificate: .require), ResourceEntry(path: "/admin", allowGroups: ["admins"])]
        )
        let engine = try ConfigSnapshot(document: document, generation: 3).engine
        let persisted = ConnectionAuthentication.Persisted(account: "alice", mapping: "one-to-one \"alice\"", requestIndex: 1, certificateSubject: "CN=alice")
        let allowed = engine.decideReusing(persisted, path: "/x", trace: DecisionTrace())
        XCTAssertEqual(allowed.reason, .allowed)
        XCTAssertEqual(allowed.account, "alice")
        let denied = engine.decideReusing(persisted, path: "/admin", trace: DecisionTrace())
        XCTAssertEqual(denied.statusText, "401.3")
        // A reused identity refused on a resource carries the same specifics as a fresh mapping.
        XCTAssertEqual(
            denied.facts?.resourceRequirement,
            ResourceRequirement(prefix: "/admin", allowAccounts: [], allowGroups: ["admins"], accountGroups: ["staff"]))
        XCTAssertEqual(denied.facts?.refusedAccount, "alice")
        XCTAssertTrue(allowed.trace.steps.contains { $0.stage == .map && $0.summary.contains("mapped from CN=alice on request 1") })
    }

    func testAfterResetWithoutRemapDecisionIs401WithTheQ190009Explanation() throws {
        let engine = try ConfigSnapshot(document: ConfigDocument(), generation: 1).engine
        let decision = engine.decideAfterResetWithoutRemap(resetAfterRequest: 1, trace: DecisionTrace())
        XCTAssertEqual(decision.status, 401)
        XCTAssertEqual(decision.statusText, "401.2")
        XCTAssertEqual(decision.reason, .legacyResetWithoutRemap)
        XCTAssertTrue(decision.trace.steps.contains { $0.summary.contains("KB Q190009") && $0.summary.contains("switch to per-request") })
    }
}
