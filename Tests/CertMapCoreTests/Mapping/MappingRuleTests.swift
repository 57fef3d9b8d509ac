import XCTest

@testable import CertMapCore

/// One rule tested against one certificate, and the explanation the trace keeps.
final class MappingRuleTests: XCTestCase {
    func testLabelNamesFieldSubfieldCriterionAndCaseSensitivity() {
        XCTAssertEqual(MappingRule(field: .issuer, subfield: .commonName, match: "Contoso*").label, #"issuer.CN = "Contoso*""#)
        XCTAssertEqual(
            MappingRule(field: .subject, subfield: .sanEmail, match: "*@x.example", caseSensitive: true).label,
            #"subject.SAN.email = "*@x.example" (case-sensitive)"#
        )
    }

    func testMatchExplainsWhichValueMatched() throws {
        let bob = try TestCertificates.person("bob", units: ["EMEA", "Sales"])
        let evaluation = MappingRule(field: .subject, subfield: .organizationalUnit, match: "S*").evaluate(bob)
        XCTAssertTrue(evaluation.matched)
        XCTAssertEqual(evaluation.explanation, #"subject.OU = "S*": matches "Sales""#)
    }

    func testMissExplainsEveryValueSeen() throws {
        let bob = try TestCertificates.person("bob", units: ["EMEA", "Sales"])
        let evaluation = MappingRule(field: .subject, subfield: .organizationalUnit, match: "Engineering").evaluate(bob)
        XCTAssertFalse(evaluation.matched)
        XCTAssertEqual(evaluation.explanation, #"subject.OU = "Engineering": no match for "EMEA", "Sales""#)
    }

    func testAbsentSubfieldIsExplainedAsMissing() throws {
        let bob = try TestCertificates.person("bob")
        let evaluation = MappingRule(field: .subject, subfield: .email, match: "*").evaluate(bob)
        XCTAssertFalse(evaluation.matched)
        XCTAssertEqual(evaluation.explanation, #"subject.E = "*": the certificate has no subject E"#)
        XCTAssertEqual(
            MappingRule(field: .subject, subfield: .sanDNS, match: "*").evaluate(bob).explanation,
            #"subject.SAN.dns = "*": the certificate has no subject SAN.dns"#
        )
    }

    func testCaseSensitiveMissWithoutCaseDifferenceHasNoCaseHint() throws {
        let bob = try TestCertificates.person("bob")
        let evaluation = MappingRule(field: .subject, subfield: .organization, match: "Fabrikam", caseSensitive: true).evaluate(bob)
        XCTAssertEqual(evaluation.explanation, #"subject.O = "Fabrikam" (case-sensitive): no match for "Contoso""#)
    }

    func testMappingStopsAtTheFirstFailingRuleAndNeedsAtLeastOneRule() throws {
        let bob = try TestCertificates.person("bob", units: ["Sales"])
        let mapping = ManyToOneMapping(
            name: "three rules",
            account: "sales",
            rules: [
                MappingRule(field: .subject, subfield: .organization, match: "Contoso"),
                MappingRule(field: .subject, subfield: .organizationalUnit, match: "Engineering"),
                MappingRule(field: .subject, subfield: .commonName, match: "bob"),
            ]
        )
        let (matched, details) = mapping.evaluate(bob)
        XCTAssertFalse(matched)
        XCTAssertEqual(details.map(\.outcome), [.passed, .failed], "stops at the first rule that fails")
        XCTAssertFalse(ManyToOneMapping(name: "empty", account: "sales", rules: []).evaluate(bob).matched)
    }
}

/// The many-to-one index narrows candidates without changing which mapping wins.
final class ManyToOneIndexTests: XCTestCase {
    private func mapping(_ name: String, _ rules: [MappingRule]) -> ManyToOneMapping {
        ManyToOneMapping(name: name, account: "sales", rules: rules)
    }

    private func rule(_ subfield: CertificateSubfield, _ match: String, field: CertificateField = .subject) -> MappingRule {
        MappingRule(field: field, subfield: subfield, match: match)
    }

    func testMappingsWithOnlyUnanchoredCriteriaGoToTheAlwaysTriedFallback() {
        let index = ManyToOneIndex([
            mapping("exact", [rule(.organization, "Contoso")]),
            mapping("anywhere", [rule(.commonName, "*admin*")]),
            mapping("prefix", [rule(.commonName, "svc-*")]),
            mapping("any", [rule(.commonName, "*")]),
            mapping("suffix", [rule(.sanEmail, "*@contoso.example")]),
        ])
        XCTAssertEqual(index.fallback, [1, 3])
        XCTAssertEqual(index.bucketedCount, 3)
    }

    func testCandidatesAreOnlyTheBucketsTheCertificateHitsPlusFallbackInOrder() throws {
        let index = ManyToOneIndex([
            mapping("other org", [rule(.organization, "Fabrikam")]),
            mapping("anywhere", [rule(.commonName, "*vc*")]),
            mapping("contoso", [rule(.organization, "CONTOSO")]),
            mapping("services", [rule(.commonName, "svc-*")]),
            mapping("other services", [rule(.commonName, "bot-*")]),
            mapping("mail", [rule(.sanEmail, "*@Contoso.Example")]),
            mapping("other mail", [rule(.sanEmail, "*@fabrikam.example")]),
            mapping("issuer", [rule(.commonName, "Contoso Issuing CA", field: .issuer)]),
        ])
        let service = try TestCertificates.person("SVC-backup", emails: ["backup@contoso.example"])
        XCTAssertEqual(index.candidates(for: service), [1, 2, 3, 5, 7])
    }

    func testExactCriterionIsPreferredOverAWildcardOneForTheBucket() throws {
        let index = ManyToOneIndex([
            mapping("both", [rule(.commonName, "svc-*"), rule(.organization, "Contoso")])
        ])
        XCTAssertEqual(index.candidates(for: try TestCertificates.person("svc-a")), [0])
        XCTAssertEqual(index.candidates(for: try TestCertificates.person("svc-a", organization: "Fabrikam")), [])
        XCTAssertEqual(index.candidates(for: try TestCertificates.person("alice")), [0], "filed under O, so CN is not consulted")
    }
}
