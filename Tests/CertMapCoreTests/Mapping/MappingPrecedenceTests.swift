import SwiftASN1
import X509
import XCTest

@testable import CertMapCore

/// IIS precedence: one-to-one first, then many-to-one in configuration order, first match wins;
/// deny mappings shut out, disabled mappings are skipped, either kind can be switched off.
final class MappingPrecedenceTests: XCTestCase {
    private typealias F = DecisionFixtures

    func testOneToOneTakesPrecedenceOverAMatchingManyToOne() throws {
        let alice = try TestCertificates.person("alice", units: ["Sales"])
        let engine = F.engine(
            oneToOne: [F.oneToOne("alice laptop", alice, account: "alice")],
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])]
        )
        let decision = engine.decide(alice)
        XCTAssertEqual(decision.reason, .allowed)
        XCTAssertEqual(decision.account, "alice")
        XCTAssertEqual(decision.mapping, #"one-to-one "alice laptop""#)
        XCTAssertEqual(decision.mapSummaries, [#"one-to-one "alice laptop" names this exact certificate → account alice"#])
        XCTAssertEqual(decision.trace.steps(in: .map).map(\.outcome), [.passed])
    }

    func testOneToOneForAnotherCertificateDoesNotApply() throws {
        let alice = try TestCertificates.person("alice")
        let impostor = try TestCertificates.person("alice")  // same name, different key and serial
        let engine = F.engine(oneToOne: [F.oneToOne("alice laptop", alice, account: "alice")])
        let decision = engine.decide(impostor)
        XCTAssertEqual(decision.reason, .notMapped)
        XCTAssertEqual(
            decision.mapSummaries,
            [
                "one-to-one: no mapping for SHA-256 \(impostor.sha256.colonHex) (1 one-to-one mappings)",
                "many-to-one: 0 of 0 mappings can match this certificate; trying them in order",
                "no enabled mapping matches this certificate",
            ]
        )
    }

    func testDisabledOneToOneFallsThroughToManyToOne() throws {
        let alice = try TestCertificates.person("alice", units: ["Sales"])
        let engine = F.engine(
            oneToOne: [F.oneToOne("alice laptop", alice, account: "alice", enabled: false)],
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])]
        )
        let decision = engine.decide(alice)
        XCTAssertEqual(decision.reason, .allowed)
        XCTAssertEqual(decision.account, "sales")
        XCTAssertEqual(decision.mapping, #"many-to-one "Contoso sales""#)
        XCTAssertEqual(
            decision.mapSummaries,
            [
                #"one-to-one "alice laptop" names this certificate but is disabled; continuing with many-to-one"#,
                "many-to-one: 1 of 1 mappings can match this certificate; trying them in order",
                #"many-to-one #1 "Contoso sales" matches → account sales"#,
            ]
        )
        XCTAssertEqual(decision.trace.steps(in: .map).map(\.outcome), [.skipped, .info, .passed])
    }

    func testFirstMatchingManyToOneWinsInConfigurationOrder() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Fabrikam", account: "retired", rules: [F.rule(.organization, "Fabrikam")]),
            ManyToOneMapping(name: "Contoso", account: "sales", rules: [F.rule(.organization, "Contoso")]),
            ManyToOneMapping(name: "Sales unit", account: "engineering", rules: [F.rule(.organizationalUnit, "Sales")]),
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.account, "sales")
        XCTAssertEqual(decision.mapping, #"many-to-one "Contoso""#)
        XCTAssertEqual(
            Array(decision.mapSummaries.dropFirst()),
            [
                "many-to-one: 2 of 3 mappings can match this certificate; trying them in order",
                #"many-to-one #2 "Contoso" matches → account sales"#,
            ]
        )
    }

    func testOrderIsKeptWhenTheMatchingMappingsSitInDifferentIndexBuckets() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"], emails: ["bob@contoso.example"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "by mail", account: "engineering", rules: [F.rule(.sanEmail, "*@contoso.example")]),
            ManyToOneMapping(name: "by unit", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")]),
            ManyToOneMapping(name: "by name", account: "alice", rules: [F.rule(.commonName, "b*")]),
        ])
        XCTAssertEqual(engine.decide(bob).account, "engineering")
        let reversed = F.engine(manyToOne: engine.mappings.manyToOne.reversed())
        XCTAssertEqual(reversed.decide(bob).account, "alice")
    }

    func testDenyMappingAnswers403Point12WithoutAnAccount() throws {
        let dave = try TestCertificates.person("dave", units: ["Contractors"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Contractors", permission: .deny, account: nil, rules: [F.rule(.organizationalUnit, "Contractors")]),
            ManyToOneMapping(name: "Contoso", account: "sales", rules: [F.rule(.organization, "Contoso")]),
        ])
        let decision = engine.decide(dave)
        XCTAssertEqual(decision.reason, .deniedByMapping)
        XCTAssertEqual(decision.status, 403)
        XCTAssertEqual(decision.substatus, 12)
        XCTAssertNil(decision.account)
        XCTAssertEqual(decision.mapping, #"many-to-one "Contractors""#)
        let deciding = try XCTUnwrap(decision.trace.steps(in: .map).last)
        XCTAssertEqual(deciding.outcome, .failed)
        XCTAssertEqual(deciding.summary, #"many-to-one #1 "Contractors" matches and denies access"#)
        XCTAssertEqual(deciding.details, [TraceDetail(.passed, #"subject.OU = "Contractors": matches "Contractors""#)])
    }

    func testDisabledManyToOneIsSkippedAndTheTraceSaysItIsDisabled() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Old Contoso", isEnabled: false, account: "retired", rules: [F.rule(.organization, "Contoso")]),
            ManyToOneMapping(name: "Sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")]),
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.account, "sales")
        let steps = decision.trace.steps(in: .map)
        XCTAssertEqual(steps[2].summary, #"many-to-one #1 "Old Contoso" matches but is disabled"#)
        XCTAssertEqual(steps[2].outcome, .skipped)
        XCTAssertEqual(steps[3].summary, #"many-to-one #2 "Sales" matches → account sales"#)
    }

    func testOnlyADisabledMatchGives401Point2AndStillNamesIt() throws {
        let bob = try TestCertificates.person("bob", organization: "Fabrikam")
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Fabrikam (retired)", isEnabled: false, account: "retired", rules: [F.rule(.organization, "Fabrikam")])
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.statusText, "401.2")
        XCTAssertEqual(
            Array(decision.mapSummaries.suffix(2)),
            [#"many-to-one #1 "Fabrikam (retired)" matches but is disabled"#, "no enabled mapping matches this certificate"]
        )
    }

    func testAllRulesOfAMappingMustMatch() throws {
        let engineer = try TestCertificates.person("erin", units: ["Engineering"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organization, "Contoso"), F.rule(.organizationalUnit, "Sales")])
        ])
        let decision = engine.decide(engineer)
        XCTAssertEqual(decision.reason, .notMapped)
        let tried = decision.trace.steps(in: .map)[2]
        XCTAssertEqual(tried.summary, #"many-to-one #1 "Contoso sales": no match"#)
        XCTAssertEqual(tried.outcome, .failed)
        XCTAssertEqual(
            tried.details,
            [
                TraceDetail(.passed, #"subject.O = "Contoso": matches "Contoso""#),
                TraceDetail(.failed, #"subject.OU = "Sales": no match for "Engineering""#),
            ]
        )
    }

    func testIssuerRulesReadTheIssuerName() throws {
        let fabrikamIssuer = DistinguishedName([
            TestCertificates.rdn(.RDNAttributeType.organizationName, "Fabrikam"),
            TestCertificates.rdn(.RDNAttributeType.commonName, "Fabrikam CA"),
        ])
        let fromContoso = try TestCertificates.person("bob")
        let fromFabrikam = try TestCertificates.person("bob", issuer: fabrikamIssuer)
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(
                name: "Contoso-issued",
                account: "sales",
                rules: [F.rule(.organization, "Contoso"), F.rule(.commonName, "Contoso*", field: .issuer)]
            )
        ])
        XCTAssertEqual(engine.decide(fromContoso).account, "sales")
        let rejected = engine.decide(fromFabrikam)
        XCTAssertEqual(rejected.reason, .notMapped)
        XCTAssertEqual(
            rejected.trace.steps(in: .map)[2].details,
            [
                TraceDetail(.passed, #"subject.O = "Contoso": matches "Contoso""#),
                TraceDetail(.failed, #"issuer.CN = "Contoso*": no match for "Fabrikam CA""#),
            ]
        )
    }

    func testSANEmailAndDNSRulesMatchSubjectAlternativeNames() throws {
        let mail = try TestCertificates.person("erin", emails: ["erin@contoso.example"])
        let host = try TestCertificates.person("build-agent", dnsNames: ["agent7.build.contoso.example"])
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "mail", account: "engineering", rules: [F.rule(.sanEmail, "*@contoso.example")]),
            ManyToOneMapping(name: "hosts", account: "alice", rules: [F.rule(.sanDNS, "*.build.contoso.example")]),
        ])
        XCTAssertEqual(engine.decide(mail).account, "engineering")
        XCTAssertEqual(engine.decide(host).account, "alice")
        XCTAssertEqual(engine.decide(host).mapping, #"many-to-one "hosts""#)
    }

    func testWildcardRuleMatchesAFamilyOfNames() throws {
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "services", account: "engineering", rules: [F.rule(.commonName, "svc-*")])
        ])
        XCTAssertEqual(engine.decide(try TestCertificates.person("svc-backup")).account, "engineering")
        XCTAssertEqual(engine.decide(try TestCertificates.person("SVC-Deploy")).account, "engineering")
        XCTAssertEqual(engine.decide(try TestCertificates.person("my-svc")).reason, .notMapped)
    }

    func testCaseSensitiveRuleFailsOnACaseDifferenceAndSaysSo() throws {
        let bob = try TestCertificates.person("bob")
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "lower contoso", account: "sales", rules: [F.rule(.organization, "contoso", caseSensitive: true)])
        ])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.reason, .notMapped)
        XCTAssertEqual(
            decision.trace.steps(in: .map)[2].details,
            [TraceDetail(.failed, #"subject.O = "contoso" (case-sensitive): no match for "Contoso" (differs only in case)"#)]
        )
        let insensitive = F.engine(manyToOne: [
            ManyToOneMapping(name: "lower contoso", account: "sales", rules: [F.rule(.organization, "contoso")])
        ])
        XCTAssertEqual(insensitive.decide(bob).account, "sales")
    }

    func testRuleMatchesAValueInsideAMultiValuedRDN() throws {
        let alice = try TestCertificates.identity(
            subject: DistinguishedName([
                TestCertificates.rdn(.RDNAttributeType.organizationName, "Contoso"),
                TestCertificates.multiValuedRDN([(.RDNAttributeType.commonName, "alice"), (.RDNAttributeType.organizationalUnitName, "Ops")]),
            ])
        )
        let engine = F.engine(manyToOne: [
            ManyToOneMapping(name: "ops", account: "engineering", rules: [F.rule(.organizationalUnit, "Ops"), F.rule(.commonName, "alice")])
        ])
        let decision = engine.decide(alice)
        XCTAssertEqual(decision.account, "engineering")
        XCTAssertEqual(
            decision.trace.steps(in: .map)[2].details.map(\.text),
            [#"subject.OU = "Ops": matches "Ops""#, #"subject.CN = "alice": matches "alice""#]
        )
    }

    func testRuleMatchesAnyOfSeveralValuesOfOneSubfield() throws {
        let bob = try TestCertificates.person("bob", units: ["EMEA", "Sales"])
        let engine = F.engine(manyToOne: [ManyToOneMapping(name: "sales", account: "sales", rules: [F.rule(.organizationalUnit, "sales")])])
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.account, "sales")
        XCTAssertEqual(decision.trace.steps(in: .map)[2].details.map(\.text), [#"subject.OU = "sales": matches "Sales""#])
    }

    func testOneToOneSwitchedOffIsSkippedEvenForAnExactCertificate() throws {
        let alice = try TestCertificates.person("alice", units: ["Sales"])
        let engine = F.engine(
            oneToOne: [F.oneToOne("alice laptop", alice, account: "alice")],
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])],
            oneToOneEnabled: false
        )
        let decision = engine.decide(alice)
        XCTAssertEqual(decision.account, "sales")
        XCTAssertEqual(decision.mapSummaries.first, "one-to-one mapping is switched off")
        XCTAssertEqual(decision.trace.steps(in: .map).first?.outcome, .skipped)
    }

    func testManyToOneSwitchedOffGives401Point2EvenWhenARuleWouldMatch() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let engine = F.engine(
            manyToOne: [ManyToOneMapping(name: "Contoso sales", account: "sales", rules: [F.rule(.organizationalUnit, "Sales")])],
            manyToOneEnabled: false
        )
        let decision = engine.decide(bob)
        XCTAssertEqual(decision.reason, .notMapped)
        XCTAssertEqual(decision.statusText, "401.2")
        XCTAssertEqual(
            decision.mapSummaries,
            ["one-to-one: no mapping for SHA-256 \(bob.sha256.colonHex) (0 one-to-one mappings)", "many-to-one mapping is switched off"]
        )
    }

    func testBothKindsSwitchedOffMapNothing() throws {
        let alice = try TestCertificates.person("alice")
        let engine = F.engine(
            oneToOne: [F.oneToOne("alice laptop", alice, account: "alice")],
            manyToOne: [ManyToOneMapping(name: "all", account: "sales", rules: [F.rule(.commonName, "*")])],
            oneToOneEnabled: false,
            manyToOneEnabled: false
        )
        let decision = engine.decide(alice)
        XCTAssertEqual(decision.reason, .notMapped)
        XCTAssertEqual(decision.mapSummaries, ["one-to-one mapping is switched off", "many-to-one mapping is switched off"])
    }
}
