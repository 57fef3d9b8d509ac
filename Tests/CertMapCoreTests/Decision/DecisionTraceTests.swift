import XCTest

@testable import CertMapCore

/// Every decision carries its evidence: the stages in pipeline order, every mapping tried and
/// every rule's explanation.
final class DecisionTraceTests: XCTestCase {
    private typealias F = DecisionFixtures

    /// Stage positions in `TraceStage.allCases` (the order the pipeline runs them).
    private func stageOrder(_ trace: DecisionTrace) -> [Int] {
        trace.steps.map { TraceStage.allCases.firstIndex(of: $0.stage)! }
    }

    private func assertStagesInPipelineOrder(_ decision: Decision, file: StaticString = #filePath, line: UInt = #line) {
        let order = stageOrder(decision.trace)
        XCTAssertEqual(order, order.sorted(), "stages \(decision.trace.steps.map(\.stage.rawValue))", file: file, line: line)
    }

    func testAllowedDecisionRecordsEveryStageInOrderWithEachMappingAndRule() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"], emails: ["bob@contoso.example"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Contoso admins", account: "alice", rules: [F.rule(.organization, "Contoso"), F.rule(.commonName, "*admin*")]),
            ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales"), F.rule(.sanEmail, "*@contoso.example")]),
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.trace.steps.map(\.stage), [.source, .validate, .map, .map, .map, .map, .authorize, .respond])
        assertStagesInPipelineOrder(decision)
        XCTAssertEqual(
            decision.trace.steps,
            [
                TraceStep(stage: .source, outcome: .info, summary: "/ is governed by / (client certificate: require)"),
                TraceStep(
                    stage: .validate,
                    outcome: .passed,
                    summary: "CN=bob,OU=Sales,O=Contoso,C=US: chain trusted, within validity, not revoked",
                    details: [TraceDetail(.passed, "chain: test leaf → Contoso Issuing CA (trusted anchor)")]
                ),
                TraceStep(stage: .map, outcome: .info, summary: "one-to-one: no mapping for SHA-256 \(bob.sha256.colonHex) (0 one-to-one mappings)"),
                TraceStep(stage: .map, outcome: .info, summary: "many-to-one: 2 of 2 mappings can match this certificate; trying them in order"),
                TraceStep(
                    stage: .map,
                    outcome: .failed,
                    summary: #"many-to-one #1 "Contoso admins": no match"#,
                    details: [
                        TraceDetail(.passed, #"subject.O = "Contoso": matches "Contoso""#),
                        TraceDetail(.failed, #"subject.CN = "*admin*": no match for "bob""#),
                    ]
                ),
                TraceStep(
                    stage: .map,
                    outcome: .passed,
                    summary: #"many-to-one #2 "Contoso sales" matches → account sales"#,
                    details: [
                        TraceDetail(.passed, #"subject.OU = "Sales": matches "Sales""#),
                        TraceDetail(.passed, #"subject.SAN.email = "*@contoso.example": matches "bob@contoso.example""#),
                    ]
                ),
                TraceStep(stage: .authorize, outcome: .passed, summary: "/ allows any mapped account; sales is enabled"),
                TraceStep(stage: .respond, outcome: .passed, summary: "200 as sales — mapped to an account that may use this resource"),
            ]
        )
    }

    func testEveryKindOfDecisionKeepsStagesInPipelineOrder() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let erin = try TestCertificates.person("erin")
        let engine = F.engine(
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])],
            resources: [
                Resource(pathPrefix: "/admin", allowGroups: ["admins"]),
                Resource(pathPrefix: "/portal", clientCertificate: .accept, allowAnonymous: true),
                Resource(pathPrefix: "/public", clientCertificate: .ignore, allowAnonymous: true),
            ]
        )
        let decisions = [
            engine.decide(bob), engine.decide(nil), engine.decide(bob, path: "/admin"), engine.decide(erin),
            engine.decide(erin, path: "/portal"), engine.decide(nil, path: "/portal"), engine.decide(bob, path: "/public"),
            engine.decide(bob, check: CertificateCheck(verdict: .revoked, notes: [])),
        ]
        XCTAssertEqual(decisions.map(\.statusText), ["200", "403.7", "401.3", "401.2", "200", "200", "200", "403.13"])
        for decision in decisions {
            assertStagesInPipelineOrder(decision)
            XCTAssertEqual(decision.trace.steps.first?.stage, .source)
            XCTAssertEqual(decision.trace.steps.last?.stage, .respond)
        }
    }

    func testStepsAlreadyInTheTraceAreKeptInFront() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        var earlier = DecisionTrace()
        earlier.record(.reset, .info, "request 2 on connection 9: authentication context reset")
        earlier.record(.source, .info, "certificate from the TLS handshake")
        let engine = F.engine(manyToOne: [ManyToOneMapping(name: "sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])])
        let decision = engine.decide(AuthenticationRequest(path: "/", certificate: bob, check: .trusted), trace: earlier)
        XCTAssertEqual(Array(decision.trace.steps.prefix(2)), earlier.steps)
        XCTAssertEqual(decision.trace.steps(in: .source).count, 2)
        assertStagesInPipelineOrder(decision)
    }

    func testPlainTextTraceShowsStageMarkAndDetailsIndented() {
        var trace = DecisionTrace()
        trace.record(.map, .failed, #"many-to-one #1 "x": no match"#, details: [TraceDetail(.failed, #"subject.O = "x": no match for "y""#)])
        trace.record(.respond, .passed, "200 as sales")
        trace.record(.source, .info, "policy")
        trace.record(.map, .skipped, "switched off")
        XCTAssertEqual(
            trace.text,
            """
            map       x many-to-one #1 "x": no match
                        x subject.O = "x": no match for "y"
            respond   + 200 as sales
            source    . policy
            map       - switched off
            """
        )
    }

    func testATraceRecordedAsValuesReadsTheSameAsItsTextAndSurvivesTheJournal() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"], emails: ["bob@contoso.example"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "sales", caseSensitive: true)]),
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.statusText, "401.2")
        let rule = try XCTUnwrap(decision.trace.steps.first { $0.stage == .map && !$0.details.isEmpty }?.details.first)
        guard case .rule(let evaluation) = rule.message else { return XCTFail("the rule is recorded as values: \(rule.message)") }
        XCTAssertTrue(evaluation.differsOnlyInCase)
        XCTAssertEqual(rule.text, #"subject.OU = "sales" (case-sensitive): no match for "Sales" (differs only in case)"#)
        // The journal holds words; read back, the trace equals the one recorded as values.
        let data = try JSONEncoder().encode(decision)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("differs only in case"))
        let read = try JSONDecoder().decode(Decision.self, from: data)
        XCTAssertEqual(read.trace, decision.trace)
        XCTAssertEqual(read.trace.text, decision.trace.text)
        XCTAssertEqual(TraceMessage.nothingMatched, .text("no enabled mapping matches this certificate"))
    }
}
