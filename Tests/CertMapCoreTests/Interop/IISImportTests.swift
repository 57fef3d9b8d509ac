import Foundation
import XCTest

@testable import CertMapCore

/// `IISConfigurationReader`: what an IIS configuration file becomes, and what is reported instead
/// of imported.
final class IISImportTests: XCTestCase {
    private var fixtures: IISFixtures!

    override func setUpWithError() throws {
        fixtures = try IISFixtures()
    }

    private var mappingSection: String {
        "/configuration/location[@path='Default Web Site']/system.webServer/security/authentication/iisClientCertificateMappingAuthentication"
    }

    func testApplicationHostConfigBecomesMappingsAccountsAndResources() throws {
        let result = try IISFixtures.read(fixtures.applicationHostConfig)
        XCTAssertEqual(result.oneToOneEnabled, true)
        XCTAssertEqual(result.manyToOneEnabled, true)
        XCTAssertEqual(result.accounts, [#"CONTOSO\alice"#, "bob", "sales"])
        XCTAssertEqual(result.oneToOne, [
            OneToOneEntry(name: "alice", account: #"CONTOSO\alice"#, sha256: fixtures.alice.sha256.colonHex,
                          certificate: Data(fixtures.alice.der).base64EncodedString(), subject: fixtures.alice.subject.rfc2253),
            OneToOneEntry(name: "bob", enabled: false, account: "bob", sha256: fixtures.bob.sha256.colonHex,
                          certificate: Data(fixtures.bob.der).base64EncodedString(), subject: fixtures.bob.subject.rfc2253),
        ])
        XCTAssertEqual(result.manyToOne, [
            ManyToOneEntry(name: "Contoso sales", description: "Sales & marketing", account: "sales", rules: [
                RuleEntry(subfield: .organization, match: "Contoso", caseSensitive: true),
                RuleEntry(subfield: .organizationalUnit, match: "Sales", caseSensitive: false),
                RuleEntry(field: .issuer, subfield: .commonName, match: "Contoso*", caseSensitive: true),
            ]),
            ManyToOneEntry(name: "No contractors", permission: .deny, account: nil, rules: [
                RuleEntry(subfield: .organizationalUnit, match: "Contractors", caseSensitive: false),
            ]),
        ])
        XCTAssertEqual(result.resources, [
            IISResourceSetting(path: "/", clientCertificate: .require, allowAnonymous: false),
            IISResourceSetting(path: "/public", clientCertificate: .ignore, allowAnonymous: true),
            IISResourceSetting(path: "/partners", clientCertificate: .accept, allowAnonymous: false),
        ])
    }

    func testEverythingNotImportedIsNotedWithItsLocation() throws {
        let notes = try IISFixtures.read(fixtures.applicationHostConfig).notes.map(\.description)
        XCTAssertEqual(notes, [
            "info: /configuration/system.webServer/security/access/@sslFlags (line 19): SSL is not required here; certmap serves only HTTPS",
            "not imported: /configuration/system.webServer/security/authentication/anonymousAuthentication/@userName (line 21): the anonymous user's Windows logon has no certmap equivalent",
            "info: /configuration/location[@path='Default Web Site']/system.webServer/security/access (line 29): overrides sslFlags for / set at /configuration/system.webServer/security/access (line 19)",
            "not imported: \(mappingSection)/@logonMethod (line 32): Windows logon settings have no certmap equivalent",
            #"not imported: \#(mappingSection)/oneToOneMappings/add[1]/@password (line 34): password for CONTOSO\alice not imported: certmap never stores passwords"#,
            "not imported: \(mappingSection)/manyToOneMappings/add[1]/@password (line 45): password for many-to-one mapping \"Contoso sales\" not imported: certmap never stores passwords",
            "info: /: skipped 4 elements unrelated to client certificates: authentication/windowsAuthentication, configuration/configSections, configuration/system.applicationHost, system.webServer/modules",
        ])
    }

    func testPasswordValuesNeverAppearInTheResult() throws {
        let result = try IISFixtures.read(fixtures.applicationHostConfig)
        let everything = String(describing: result)
        XCTAssertFalse(everything.contains(IISFixtures.salesPassword))
        XCTAssertFalse(everything.contains("IISCngProvider"))
        XCTAssertEqual(result.notes.filter { $0.message.hasPrefix("password for") }.count, 2)
    }

    func testUnknownAttributesAndElementsAreNotedNotDropped() throws {
        let certificate = Data(fixtures.alice.der).base64EncodedString()
        let xml = IISFixtures.section(
            oneToOne: #"<add userName="alice" colour="blue" certificate="\#(certificate)" /><frobnicate />"#,
            attributes: #"enabled="true" futureSwitch="on""#
        )
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.oneToOne.map(\.account), ["alice"])
        XCTAssertEqual(result.notes.map(\.description), [
            "unknown: /iisClientCertificateMappingAuthentication/@futureSwitch (line 1): unknown attribute of <iisClientCertificateMappingAuthentication>; ignored",
            "unknown: /iisClientCertificateMappingAuthentication/oneToOneMappings/frobnicate (line 3): unknown element <frobnicate> in <oneToOneMappings>; ignored",
            "unknown: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[1]/@colour (line 3): unknown attribute of <add>; ignored",
        ])
    }

    func testInvalidCertificatesAreSkippedWithWhereTheyAre() throws {
        let notACertificate = Data("hello, this is not DER".utf8).base64EncodedString()
        let xml = IISFixtures.section(oneToOne: """
            <add userName="a" certificate="***not base64***" />
                <add userName="b" certificate="\(notACertificate)" />
                <add userName="c" />
                <add certificate="\(Data(fixtures.alice.der).base64EncodedString())" />
            """)
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.oneToOne, [])
        XCTAssertEqual(result.accounts, [])
        XCTAssertEqual(result.notes.map(\.description), [
            "skipped: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[1]/@certificate (line 3): not base64; IIS stores the certificate as base64 DER without PEM headers",
            "skipped: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[2]/@certificate (line 4): base64 of 22 bytes that are not an X.509 certificate",
            "skipped: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[3] (line 5): one-to-one mapping without a certificate (the attribute is required)",
            "skipped: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[4] (line 6): one-to-one mapping for \(fixtures.alice.subject.rfc2253) has no userName, so it maps to no account",
        ])
    }

    func testAUserNameWithAControlCharacterIsSkippedAsItWouldSplitAResponseHeader() throws {
        let xml = IISFixtures.section(oneToOne: """
            <add userName="mallory&#13;&#10;Set-Cookie: a=b" certificate="\(Data(fixtures.alice.der).base64EncodedString())" />
            """)
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.oneToOne, [])
        XCTAssertEqual(result.accounts, [])
        XCTAssertEqual(result.notes.map(\.description), [
            #"skipped: /iisClientCertificateMappingAuthentication/oneToOneMappings/add[1]/@userName (line 3): userName "mallory\r\nSet-Cookie: a=b" must not contain control characters (it is sent in the X-CertMap-Account header); mapping skipped"#,
        ])
    }

    func testManyToOneMappingWithAnUntranslatableRuleIsSkippedWhole() throws {
        let xml = IISFixtures.section(manyToOne: """
            <add name="State rule" userName="x"><rules>
                    <add certificateField="Subject" certificateSubField="O" matchCriteria="Contoso" />
                    <add certificateField="Subject" certificateSubField="ST" matchCriteria="WA" />
                </rules></add>
            """)
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.manyToOne, [])
        XCTAssertEqual(result.accounts, [], "no account is created for a skipped mapping")
        XCTAssertEqual(result.notes.map(\.description), [
            #"skipped: /iisClientCertificateMappingAuthentication/manyToOneMappings/add[1]/rules/add[2]/@certificateSubField (line 8): "ST" is not one of CN, O, OU, L, S, C, E; mapping "State rule" skipped (without this rule it would match more certificates than in IIS)"#,
        ])
    }

    func testRuleCaseSensitivityDefaultsToTrueAsInIIS() throws {
        let xml = IISFixtures.section(manyToOne: #"<add name="m" userName="u"><rules><add certificateField="issuer" certificateSubField="cn" matchCriteria="Contoso CA" /></rules></add>"#)
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.manyToOne.first?.rules, [RuleEntry(field: .issuer, subfield: .commonName, match: "Contoso CA", caseSensitive: true)])
    }

    func testMappingsWithoutAnAccountOrRulesAreSkipped() throws {
        let xml = IISFixtures.section(manyToOne: """
            <add name="no user"><rules><add certificateField="Subject" certificateSubField="O" matchCriteria="A" /></rules></add>
                <add name="no rules" userName="u" />
                <add name="odd" userName="u" permissionMode="Maybe"><rules><add certificateField="Subject" certificateSubField="O" matchCriteria="A" /></rules></add>
            """)
        let result = try IISFixtures.read(xml)
        XCTAssertEqual(result.manyToOne, [])
        XCTAssertEqual(result.notes.map(\.message), [
            #"allow mapping "no user" has no userName, so it maps to no account"#,
            #"many-to-one mapping "no rules" has no rules; IIS never applies it and certmap requires at least one"#,
            #""maybe" is not Allow or Deny; mapping "odd" skipped"#,
        ])
    }

    func testSSLFlagsTranslateToClientCertificatePolicies() {
        XCTAssertEqual(try IISSSLFlags.parse("Ssl, SslNegotiateCert, SslRequireCert").get().clientCertificatePolicy, .require)
        XCTAssertEqual(try IISSSLFlags.parse("SslNegotiateCert").get().clientCertificatePolicy, .accept)
        XCTAssertEqual(try IISSSLFlags.parse("ssl,ssl128").get(), [.ssl, .ssl128])
        XCTAssertEqual(try IISSSLFlags.parse("None").get().clientCertificatePolicy, .ignore)
        XCTAssertEqual(try IISSSLFlags.parse("104").get(), [.ssl, .negotiateCertificate, .requireCertificate])
        XCTAssertEqual(IISSSLFlags.parse("Ssl, SslRequireClientCert"), .failure(IISSSLFlagsError(word: "SslRequireClientCert")))
        XCTAssertEqual(IISSSLFlags.parse("1"), .failure(IISSSLFlagsError(word: "1")))
        for policy in ClientCertificatePolicy.allCases {
            XCTAssertEqual(IISSSLFlags(policy: policy).clientCertificatePolicy, policy)
        }
        XCTAssertEqual(IISSSLFlags(policy: .require).text, "Ssl, SslNegotiateCert, SslRequireCert")
    }

    func testMalformedXMLIsAOneLineErrorWithItsPosition() {
        XCTAssertThrowsError(try IISFixtures.read("<configuration>\n  <location path=\"x\">\n</configuration>")) { error in
            XCTAssertEqual("\(error)", "applicationHost.config: not well-formed XML at line 3, column 17: opening and closing tags do not match")
        }
    }

    func testDocumentTypeDeclarationsAreRefused() {
        let xml = #"<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><configuration>&x;</configuration>"#
        XCTAssertThrowsError(try IISFixtures.read(xml)) { error in
            XCTAssertEqual("\(error)", "applicationHost.config: not well-formed XML: document type declarations (<!DOCTYPE>) are not accepted")
        }
    }

    /// Found by `IISImportFuzzTests.testRandomBytesFailOnOneLine`: FoundationXML's XMLParser crashed
    /// on an element name that was not UTF-8.
    func testBytesThatAreNotUTF8AreRefusedBeforeParsing() {
        XCTAssertThrowsError(try IISConfigurationReader.read(Data([0x3C, 0xCB, 0x58, 0x70, 0x35, 0x2F, 0x3E]), source: "x.config")) { error in
            XCTAssertEqual("\(error)", "x.config: not well-formed XML: not UTF-8 text; save the file as UTF-8")
        }
    }

    func testEncodingsOtherThanUTF8AreRefusedWithTheFix() {
        XCTAssertThrowsError(try IISFixtures.read("<?xml version=\"1.0\" encoding='ISO-8859-1'?><configuration/>")) { error in
            XCTAssertEqual("\(error)", #"applicationHost.config: not well-formed XML at line 1: encoding "ISO-8859-1" is not supported; save the file as UTF-8"#)
        }
    }

    func testFileWithoutClientCertificateSettingsIsAnError() {
        XCTAssertThrowsError(try IISFixtures.read("<configuration><system.webServer><modules /></system.webServer></configuration>")) { error in
            XCTAssertEqual(error as? IISImportError, .nothingToImport(source: "applicationHost.config"))
        }
    }
}
