import Crypto
import SwiftASN1
import X509
import XCTest

@testable import CertMapCore

/// What `CertificateIdentity` reads out of a certificate: the values rules match and traces show.
final class CertificateIdentityTests: XCTestCase {
    private typealias Names = TestCertificates

    private func contosoBob() throws -> CertificateIdentity {
        try TestCertificates.identity(
            subject: DistinguishedName([
                Names.rdn(.RDNAttributeType.countryName, "US"),
                Names.rdn(.RDNAttributeType.stateOrProvinceName, "Washington"),
                Names.rdn(.RDNAttributeType.localityName, "Redmond"),
                Names.rdn(.RDNAttributeType.organizationName, "Contoso"),
                Names.rdn(.RDNAttributeType.organizationalUnitName, "Sales"),
                Names.rdn(.RDNAttributeType.organizationalUnitName, "EMEA"),
                Names.rdn(.RDNAttributeType.commonName, "bob"),
                Names.rdn(.RDNAttributeType.emailAddress, "bob@contoso.example"),
            ])
        )
    }

    func testSubjectSubfieldsReturnEachIISAttributeInDEROrder() throws {
        let bob = try contosoBob()
        XCTAssertEqual(bob.values(of: .commonName, in: .subject), ["bob"])
        XCTAssertEqual(bob.values(of: .organization, in: .subject), ["Contoso"])
        XCTAssertEqual(bob.values(of: .organizationalUnit, in: .subject), ["Sales", "EMEA"])
        XCTAssertEqual(bob.values(of: .locality, in: .subject), ["Redmond"])
        XCTAssertEqual(bob.values(of: .state, in: .subject), ["Washington"])
        XCTAssertEqual(bob.values(of: .country, in: .subject), ["US"])
        XCTAssertEqual(bob.values(of: .email, in: .subject), ["bob@contoso.example"])
    }

    func testSubjectPrintsMostSpecificFirstWithOpenSSLShortNames() throws {
        let bob = try contosoBob()
        XCTAssertEqual(
            bob.subject.rfc2253,
            "emailAddress=bob@contoso.example,CN=bob,OU=EMEA,OU=Sales,O=Contoso,L=Redmond,ST=Washington,C=US"
        )
        XCTAssertEqual(bob.subject.commonName, "bob")
        XCTAssertEqual(bob.subject.attributes.map(\.rdnIndex), Array(0..<8))
    }

    func testIssuerSubfieldsReadTheIssuerNameNotTheSubject() throws {
        let bob = try contosoBob()
        XCTAssertEqual(bob.values(of: .commonName, in: .issuer), ["Contoso Issuing CA"])
        XCTAssertEqual(bob.values(of: .organization, in: .issuer), ["Contoso"])
        XCTAssertEqual(bob.values(of: .country, in: .issuer), ["US"])
        XCTAssertEqual(bob.values(of: .organizationalUnit, in: .issuer), [])
        XCTAssertEqual(bob.issuer.rfc2253, "CN=Contoso Issuing CA,O=Contoso,C=US")
    }

    func testSANSubfieldsExistOnlyForTheSubject() throws {
        let identity = try TestCertificates.person("carol", emails: ["carol@contoso.example"], dnsNames: ["carol.contoso.example"])
        XCTAssertEqual(identity.values(of: .sanEmail, in: .subject), ["carol@contoso.example"])
        XCTAssertEqual(identity.values(of: .sanDNS, in: .subject), ["carol.contoso.example"])
        XCTAssertEqual(identity.values(of: .sanEmail, in: .issuer), [])
        XCTAssertEqual(identity.values(of: .sanDNS, in: .issuer), [])
    }

    func testMultiValuedRDNKeepsEveryAttributeInOneRDNJoinedWithPlus() throws {
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([
                Names.rdn(.RDNAttributeType.organizationName, "Contoso"),
                Names.multiValuedRDN([
                    (.RDNAttributeType.commonName, "alice"),
                    (.RDNAttributeType.organizationalUnitName, "Ops"),
                ]),
            ])
        )
        XCTAssertEqual(identity.values(of: .commonName, in: .subject), ["alice"])
        XCTAssertEqual(identity.values(of: .organizationalUnit, in: .subject), ["Ops"])
        XCTAssertEqual(identity.values(of: .organization, in: .subject), ["Contoso"])
        let rdnOf = Dictionary(uniqueKeysWithValues: identity.subject.attributes.map { ($0.shortName, $0.rdnIndex) })
        XCTAssertEqual(rdnOf, ["O": 0, "CN": 1, "OU": 1])
        // DER sorts a SET OF by encoding: OU=Ops (shorter) before CN=alice; printing reverses it.
        XCTAssertEqual(identity.subject.rfc2253, "CN=alice+OU=Ops,O=Contoso")
    }

    func testUTF8ValuesAreDecodedAndKeptOrEscapedLikeOpenSSL() throws {
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([
                Names.rdn(.RDNAttributeType.organizationName, "株式会社"),
                Names.rdn(.RDNAttributeType.commonName, "Jürgen Müller"),
            ])
        )
        XCTAssertEqual(identity.values(of: .commonName, in: .subject), ["Jürgen Müller"])
        XCTAssertEqual(identity.values(of: .organization, in: .subject), ["株式会社"])
        XCTAssertEqual(identity.subject.rfc2253, "CN=Jürgen Müller,O=株式会社")
        XCTAssertEqual(identity.subject.opensslRFC2253, "CN=J\\C3\\BCrgen M\\C3\\BCller,O=\\E6\\A0\\AA\\E5\\BC\\8F\\E4\\BC\\9A\\E7\\A4\\BE")
    }

    func testSpecialCharactersAreEscapedAsRFC2253Says() throws {
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([
                Names.rdn(.RDNAttributeType.organizationName, "Contoso, Ltd. <EU>"),
                Names.rdn(.RDNAttributeType.organizationalUnitName, "#1 R+D; \"core\""),
                Names.rdn(.RDNAttributeType.commonName, " padded "),
            ])
        )
        XCTAssertEqual(
            identity.subject.rfc2253,
            ##"CN=\ padded\ ,OU=\#1 R\+D\; \"core\",O=Contoso\, Ltd. \<EU\>"##
        )
        XCTAssertEqual(identity.values(of: .organizationalUnit, in: .subject), [#"#1 R+D; "core""#])
    }

    func testSubjectAlternativeNamesKeepTheirKindsAndOrder() throws {
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([Names.rdn(.RDNAttributeType.commonName, "web")]),
            subjectAlternativeNames: [
                .rfc822Name("web@contoso.example"),
                .dnsName("web.contoso.example"),
                .ipAddress(ASN1OctetString(contentBytes: [192, 0, 2, 7])),
                .ipAddress(ASN1OctetString(contentBytes: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1])),
                .uniformResourceIdentifier("https://contoso.example/web"),
            ]
        )
        XCTAssertEqual(
            identity.subjectAlternativeNames,
            [
                .email("web@contoso.example"), .dns("web.contoso.example"), .ipAddress("192.0.2.7"), .ipAddress("2001:db8::1"),
                .uri("https://contoso.example/web"),
            ]
        )
        XCTAssertEqual(
            identity.subjectAlternativeNames.map(\.description),
            ["email:web@contoso.example", "DNS:web.contoso.example", "IP:192.0.2.7", "IP:2001:db8::1", "URI:https://contoso.example/web"]
        )
    }

    func testExtendedKeyUsagesAreNamedOrGivenAsDottedOIDs() throws {
        let smartcardLogon = ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 4, 1, 311, 20, 2, 2])
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([Names.rdn(.RDNAttributeType.commonName, "eku")]),
            extendedKeyUsages: [.clientAuth, .serverAuth, .emailProtection, .ocspSigning, smartcardLogon]
        )
        XCTAssertEqual(identity.extendedKeyUsages, ["clientAuth", "serverAuth", "emailProtection", "OCSPSigning", "1.3.6.1.4.1.311.20.2.2"])
    }

    func testMissingExtendedKeyUsageExtensionIsNilNotEmpty() throws {
        let identity = try TestCertificates.person("no-eku")
        XCTAssertNil(identity.extendedKeyUsages)
    }

    func testBasicConstraintsCAFlagIsRead() throws {
        let ca = try CertificateIdentity(
            certificate: TestCertificates.certificate(subject: TestCertificates.issuerName, isCertificateAuthority: true)
        )
        XCTAssertTrue(ca.isCertificateAuthority)
        XCTAssertFalse(try TestCertificates.person("leaf").isCertificateAuthority)
    }

    func testSerialNumberIsUppercaseHexOfItsBytes() throws {
        let identity = try TestCertificates.identity(
            subject: DistinguishedName([Names.rdn(.RDNAttributeType.commonName, "serial")]),
            serialNumber: .init(bytes: [0x01, 0x02, 0xAB, 0x0F])
        )
        XCTAssertEqual(identity.serialNumber, "0102AB0F")
    }

    func testFingerprintsAreDigestsOfTheDEREncoding() throws {
        let identity = try TestCertificates.person("digest")
        XCTAssertEqual(identity.sha256.bytes, Array(SHA256.hash(data: identity.der)))
        XCTAssertEqual(identity.sha1.bytes, Array(Insecure.SHA1.hash(data: identity.der)))
        XCTAssertEqual(identity.sha256.bytes.count, 32)
        XCTAssertEqual(identity.sha1.bytes.count, 20)
        var serializer = DER.Serializer()
        try serializer.serialize(identity.certificate)
        XCTAssertEqual(identity.der, serializer.serializedBytes)
    }

    func testIdentityParsedFromDERIsEqualToTheOriginal() throws {
        let identity = try TestCertificates.person("roundtrip", units: ["Ops"])
        let parsed = try CertificateIdentity(derEncoded: identity.der)
        XCTAssertEqual(parsed, identity)
        XCTAssertEqual(parsed.subject, identity.subject)
        XCTAssertEqual(parsed.sha256, identity.sha256)
        XCTAssertEqual(parsed.notValidBefore, identity.notValidBefore)
        XCTAssertEqual(parsed.notValidAfter, identity.notValidAfter)
    }

    func testSummaryShowsCommonNameOrganizationAndFingerprintPrefix() throws {
        let identity = try TestCertificates.person("alice")
        XCTAssertEqual(identity.summary, "CN=alice (Contoso) · SHA-256 \(identity.sha256.colonHex.prefix(23))…")
    }
}

/// Fingerprint parsing and printing, as one-to-one mappings and `openssl -fingerprint` use them.
final class FingerprintTests: XCTestCase {
    func testHexAndColonHexAreUppercase() {
        let fingerprint = Fingerprint(bytes: [0x3F, 0xA2, 0x00, 0x0B])
        XCTAssertEqual(fingerprint.hex, "3FA2000B")
        XCTAssertEqual(fingerprint.colonHex, "3F:A2:00:0B")
        XCTAssertEqual(fingerprint.description, "3F:A2:00:0B")
    }

    func testParsesColonSeparatedLowercaseAndPlainHex() throws {
        let identity = try TestCertificates.person("hex")
        XCTAssertEqual(Fingerprint(hex: identity.sha256.colonHex), identity.sha256)
        XCTAssertEqual(Fingerprint(hex: identity.sha256.hex.lowercased()), identity.sha256)
        XCTAssertEqual(Fingerprint(hex: identity.sha1.colonHex.lowercased()), identity.sha1)
    }

    func testRejectsWrongLengthsOddDigitsAndNonHex() {
        XCTAssertNil(Fingerprint(hex: "AB:CD"))
        XCTAssertNil(Fingerprint(hex: String(repeating: "A", count: 63)))
        XCTAssertNil(Fingerprint(hex: String(repeating: "G", count: 64)))
        XCTAssertNotNil(Fingerprint(hex: String(repeating: "a", count: 64)))
        XCTAssertNotNil(Fingerprint(hex: String(repeating: "0", count: 40)))
    }
}
