import XCTest
@testable import CertMapCore

/// Which header decides when several are present, and which headers count as present at all.
final class ForwardedCertificatePrecedenceTests: XCTestCase {
    private var pki: ForwardingTestPKI!
    private var allFour: [(name: String, value: String)] = []

    override func setUpWithError() throws {
        pki = try ForwardingTestPKI()
        let pem = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.otherLeaf]))
        allFour = [
            ("X-SSL-Client-DER", ProxyEncoding.base64(pki.otherLeaf)),
            ("X-SSL-Client-Cert", pem),
            ("X-Forwarded-Client-Cert", "Hash=aa;Cert=\"\(pem)\""),
            ("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
        ]
    }

    func testRFC9440DecidesOverAllOthersWhichAreListed() throws {
        let forwarded = try ForwardedCertificateParser().parse(headers: allFour).certificate()
        XCTAssertEqual(forwarded.format, .rfc9440)
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.otherFormatsPresent, [.xfcc, .escapedPEM, .base64DER])
    }

    func testMalformedDecidingHeaderIsAnErrorNotAFallback() {
        var headers = allFour
        headers[3] = ("Client-Cert", "MIIBfake")
        XCTAssertEqual(
            ForwardedCertificateParser().parse(headers: headers),
            .malformed(.notAByteSequence(header: "Client-Cert", detail: "the value is not a byte sequence (no leading ':')"))
        )
    }

    func testDisabledFormatsAreIgnored() throws {
        let parser = ForwardedCertificateParser(settings: .init(enabledFormats: [.base64DER]))
        let forwarded = try parser.parse(headers: allFour).certificate()
        XCTAssertEqual(forwarded.format, .base64DER)
        XCTAssertEqual(forwarded.leaf, pki.otherLeaf)
        XCTAssertEqual(forwarded.otherFormatsPresent, [])
        XCTAssertEqual(parser.parse(headers: [allFour[3]]), .none)
    }

    func testConfiguredOrderIsThePrecedence() throws {
        let parser = ForwardedCertificateParser(settings: .init(enabledFormats: [.escapedPEM, .rfc9440, .escapedPEM]))
        let forwarded = try parser.parse(headers: allFour).certificate()
        XCTAssertEqual(forwarded.format, .escapedPEM)
        XCTAssertEqual(forwarded.otherFormatsPresent, [.rfc9440])
    }

    func testHeaderNamesAreCaseInsensitive() throws {
        let parser = ForwardedCertificateParser()
        XCTAssertEqual(try parser.parse(headers: [("CLIENT-CERT", ProxyEncoding.byteSequence(pki.leaf))]).certificate().leaf, pki.leaf)
        XCTAssertEqual(try parser.parse(headers: [("x-ssl-client-der", ProxyEncoding.base64(pki.leaf))]).certificate().leaf, pki.leaf)
        // Two spellings of the same header are the same header repeated.
        XCTAssertEqual(
            parser.parse(headers: [("client-cert", ProxyEncoding.byteSequence(pki.leaf)), ("Client-Cert", ProxyEncoding.byteSequence(pki.leaf))]),
            .malformed(.clientCertIsList(header: "Client-Cert"))
        )
    }

    func testNoForwardedHeaderIsNone() {
        XCTAssertEqual(ForwardedCertificateParser().parse(headers: [("Host", "a"), ("X-Forwarded-For", "10.0.0.1")]), .none)
        XCTAssertEqual(ForwardedCertificateParser().parse(headers: []), .none)
    }

    func testPresentHeaderNamesCoversAllFormatsEvenWhenDisabled() {
        let parser = ForwardedCertificateParser(settings: .init(enabledFormats: []))
        let headers = allFour + [("client-cert-chain", ":AA==:"), ("Host", "a")]
        XCTAssertEqual(parser.parse(headers: headers), .none)
        XCTAssertEqual(
            parser.presentHeaderNames(in: headers),
            ["Client-Cert", "Client-Cert-Chain", "X-Forwarded-Client-Cert", "X-SSL-Client-Cert", "X-SSL-Client-DER"]
        )
        XCTAssertEqual(parser.presentHeaderNames(in: [("Host", "a")]), [])
        XCTAssertEqual(parser.presentHeaderNames(in: [("x-forwarded-client-cert", "")]), ["X-Forwarded-Client-Cert"])
        XCTAssertTrue(parser.isForwardedCertificateHeader("x-ssl-client-der"))
        XCTAssertTrue(parser.isForwardedCertificateHeader("CLIENT-CERT-CHAIN"))
        XCTAssertFalse(parser.isForwardedCertificateHeader("X-Forwarded-For"))
    }
}
