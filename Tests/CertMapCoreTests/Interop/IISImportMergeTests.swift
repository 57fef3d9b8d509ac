import Foundation
import XCTest

@testable import CertMapCore

/// `IISImportMerge`: merging into and replacing an existing configuration, with every change listed.
final class IISImportMergeTests: XCTestCase {
    private var fixtures: IISFixtures!
    private var existing: ConfigDocument!

    override func setUpWithError() throws {
        fixtures = try IISFixtures()
        existing = ConfigFixtures.document(alice: fixtures.alice)
    }

    func testMergeUpdatesMappingsOfTheSameCertificateOrNameAndAddsTheRest() throws {
        let result = try IISFixtures.read(fixtures.applicationHostConfig)
        let (merged, changes) = IISImportMerge.apply(result, to: existing, mode: .merge)
        XCTAssertEqual(changes, [
            #"add account "CONTOSO\alice" (an IIS userName with no certmap account)"#,
            #"add account "bob" (an IIS userName with no certmap account)"#,
            #"update one-to-one "alice laptop": → CONTOSO\alice"#,
            #"add one-to-one "bob" → bob (disabled)"#,
            #"replace many-to-one "Contoso sales" → sales [subject.O=Contoso & subject.OU=Sales & issuer.CN=Contoso*]"#,
            #"add many-to-one "No contractors" deny [subject.OU=Contractors]"#,
            "add resource /public: client certificate ignore, anonymous allowed",
            "add resource /partners: client certificate accept",
        ])
        XCTAssertEqual(ConfigValidator.validate(merged), [])
        XCTAssertEqual(merged.oneToOne.map(\.name), ["alice laptop", "bob"])
        XCTAssertEqual(merged.oneToOne[0].account, #"CONTOSO\alice"#)
        XCTAssertEqual(merged.manyToOne.map(\.name), ["Contoso sales", "No contractors"])
        XCTAssertEqual(merged.resources.map(\.path), ["/", "/admin", "/public", "/partners"])
        XCTAssertEqual(merged.resources[1], existing.resources[1], "a resource the file does not mention is kept")
        XCTAssertEqual(merged.accounts.map(\.name), ["alice", "sales", #"CONTOSO\alice"#, "bob"])
    }

    func testReplaceDropsExistingMappingsAndResourcesButKeepsAccounts() throws {
        let result = try IISFixtures.read(fixtures.applicationHostConfig)
        let (replaced, changes) = IISImportMerge.apply(result, to: existing, mode: .replace)
        XCTAssertEqual(Array(changes.prefix(2)), [#"remove one-to-one "alice laptop""#, #"remove many-to-one "Contoso sales""#])
        XCTAssertTrue(changes.contains("remove resource /admin"), "\(changes)")
        XCTAssertEqual(replaced.oneToOne.map(\.name), ["alice", "bob"])
        XCTAssertEqual(replaced.manyToOne, result.manyToOne)
        XCTAssertEqual(replaced.resources, [
            ResourceEntry(path: "/", clientCertificate: .require),
            ResourceEntry(path: "/public", clientCertificate: .ignore, allowAnonymous: true),
            ResourceEntry(path: "/partners", clientCertificate: .accept),
        ])
        XCTAssertEqual(Array(replaced.accounts.map(\.name).prefix(2)), ["alice", "sales"])
        XCTAssertEqual(ConfigValidator.validate(replaced), [])
    }

    func testImportingTheSameFileTwiceChangesNothingTheSecondTime() throws {
        let result = try IISFixtures.read(fixtures.applicationHostConfig)
        let once = IISImportMerge.apply(result, to: existing, mode: .merge).document
        let twice = IISImportMerge.apply(result, to: once, mode: .merge)
        XCTAssertEqual(twice.changes, [])
        XCTAssertEqual(twice.document, once)
    }

    func testSameNameDifferentCertificateGetsANumberedName() throws {
        let otherAlice = try TestCertificates.person("alice laptop")
        let xml = IISFixtures.section(oneToOne: #"<add userName="alice" certificate="\#(Data(otherAlice.der).base64EncodedString())" />"#)
        let (merged, changes) = IISImportMerge.apply(try IISFixtures.read(xml), to: existing, mode: .merge)
        XCTAssertEqual(changes, [#"add one-to-one "alice laptop (2)" → alice"#])
        XCTAssertEqual(ConfigValidator.validate(merged), [])
    }

    func testSectionSwitchesApplyWhenGivenAndDefaultToOnWhenReplacing() throws {
        let xml = IISFixtures.section(attributes: #"enabled="true" manyToOneCertificateMappingsEnabled="false""#)
        let result = try IISFixtures.read(xml)
        var document = existing!
        document.mapping.oneToOneEnabled = false
        XCTAssertEqual(IISImportMerge.apply(result, to: document, mode: .merge).changes, ["disable many-to-one mappings"])
        XCTAssertEqual(IISImportMerge.apply(result, to: document, mode: .replace).changes.filter { $0.hasSuffix("mappings") }, [
            "enable one-to-one mappings", "disable many-to-one mappings",
        ])
    }
}
