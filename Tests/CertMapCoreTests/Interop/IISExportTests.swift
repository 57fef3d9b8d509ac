import Foundation
import XCTest

@testable import CertMapCore

/// `IISConfigurationWriter`: what an IIS administrator gets, and that certmap reads it back.
final class IISExportTests: XCTestCase {
    private var fixtures: IISFixtures!

    override func setUpWithError() throws {
        fixtures = try IISFixtures()
    }

    /// Import into an empty configuration, replacing: the document a file describes on its own.
    private func imported(_ xml: String) throws -> ConfigDocument {
        IISImportMerge.apply(try IISFixtures.read(xml), to: ConfigDocument(), mode: .replace).document
    }

    func testImportExportImportGivesTheSameConfiguration() throws {
        let first = try imported(fixtures.applicationHostConfig)
        let (xml, notes) = IISConfigurationWriter.render(first)
        XCTAssertEqual(notes, [])
        let second = try imported(xml)
        XCTAssertEqual(second, first)
        XCTAssertEqual(IISConfigurationWriter.render(second).xml, xml, "export is stable")
    }

    func testReimportingAnExportRaisesNoNotes() throws {
        let (xml, _) = IISConfigurationWriter.render(try imported(fixtures.applicationHostConfig))
        XCTAssertEqual(try IISFixtures.read(xml).notes, [])
    }

    func testPasswordsAreEmptyWithACommentAskingToFillThemIn() throws {
        let (xml, _) = IISConfigurationWriter.render(try imported(fixtures.applicationHostConfig))
        XCTAssertTrue(xml.contains("<!-- certmap stores no passwords: fill in each password=\"\" with the Windows account's password"), xml)
        XCTAssertTrue(xml.contains(#"<add enabled="true" userName="CONTOSO\alice" password="" certificate="\#(Data(fixtures.alice.der).base64EncodedString())" />"#), xml)
        XCTAssertTrue(xml.contains(#"<add name="Contoso sales" description="Sales &amp; marketing" enabled="true" permissionMode="Allow" userName="sales" password="">"#), xml)
        XCTAssertFalse(xml.contains(IISFixtures.salesPassword))
    }

    func testResourcesBecomeTheRootAccessAndSiteLocations() throws {
        let (xml, _) = IISConfigurationWriter.render(try imported(fixtures.applicationHostConfig), site: "Intranet")
        let root = [
            "        </iisClientCertificateMappingAuthentication>",
            "      </authentication>",
            #"      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />"#,
            "    </security>",
        ]
        XCTAssertTrue(xml.contains(root.joined(separator: "\n")), xml)
        let publicLocation = [
            #"  <location path="Intranet/public">"#,
            "    <system.webServer>",
            "      <security>",
            "        <authentication>",
            #"          <anonymousAuthentication enabled="true" />"#,
            "        </authentication>",
            #"        <access sslFlags="Ssl" />"#,
        ]
        XCTAssertTrue(xml.contains(publicLocation.joined(separator: "\n")), xml)
    }

    func testWhatIISCannotExpressIsLeftOutWithANoteAndAComment() throws {
        var document = ConfigDocument(accounts: [AccountEntry(name: "eng"), AccountEntry(name: "old", enabled: false)])
        document.manyToOne = [
            ManyToOneEntry(name: "Engineers -- by SAN", account: "eng", rules: [RuleEntry(subfield: .organization, match: "Contoso"), RuleEntry(subfield: .sanEmail, match: "*@contoso.example")]),
            ManyToOneEntry(name: "Legacy", account: "old", rules: [RuleEntry(subfield: .organization, match: "Fabrikam")]),
        ]
        document.oneToOne = [OneToOneEntry(name: "fingerprint only", account: "eng", sha256: fixtures.alice.sha256.colonHex)]
        document.resources = [ResourceEntry(path: "/admin", allowGroups: ["admins"])]
        let (xml, notes) = IISConfigurationWriter.render(document)
        XCTAssertEqual(notes, [
            #"one-to-one "fingerprint only" → eng is not exported: certmap knows only its SHA-256, IIS needs the certificate"#,
            #"many-to-one "Engineers -- by SAN" is not exported: IIS has no SAN.email subfield, and leaving the rule out would match more certificates"#,
            "resource /admin: its allowed accounts and groups are not exported; IIS expresses them with <authorization> rules",
            #"account "old" is disabled in certmap; disable the Windows account in IIS to keep mapped requests out"#,
        ])
        XCTAssertTrue(xml.contains(#"<!-- many-to-one "Engineers - - by SAN" is not exported"#), "comments never contain --: \(xml)")
        XCTAssertFalse(xml.contains(#"name="Engineers"#))
        XCTAssertEqual(try IISFixtures.read(xml).manyToOne.map(\.name), ["Legacy"])
    }

    func testAttributeValuesWithMarkupAndLineBreaksSurviveTheRoundTrip() throws {
        let match = #"R&D <"lab"> 'x'"#
        let document = ConfigDocument(
            accounts: [AccountEntry(name: "lab")],
            manyToOne: [ManyToOneEntry(name: "Lab\nteam", description: "tabs\tand\r\nbreaks", account: "lab", rules: [RuleEntry(subfield: .organizationalUnit, match: match, caseSensitive: true)])]
        )
        let read = try IISFixtures.read(IISConfigurationWriter.render(document).xml)
        XCTAssertEqual(read.manyToOne, document.manyToOne)
    }
}
