import Foundation
import XCTest
@testable import CertMapCore

/// Every way a forwarded-certificate header can be broken maps to one exact error, whose text
/// names the header and the fault and never repeats the value (it becomes a 400 body).
final class ForwardedHeaderErrorTests: XCTestCase {
    private var pki: ForwardingTestPKI!
    private let parser = ForwardedCertificateParser()

    override func setUpWithError() throws { pki = try ForwardingTestPKI() }

    private func error(_ headers: [(name: String, value: String)], parser: ForwardedCertificateParser? = nil,
                       file: StaticString = #filePath, line: UInt = #line) -> ForwardedHeaderError? {
        guard case .malformed(let error) = (parser ?? self.parser).parse(headers: headers) else {
            XCTFail("expected .malformed", file: file, line: line)
            return nil
        }
        return error
    }

    // MARK: RFC 9440

    func testClientCertWithoutColonsIsNotAByteSequence() {
        XCTAssertEqual(error([("Client-Cert", ProxyEncoding.base64(pki.leaf))]),
                       .notAByteSequence(header: "Client-Cert", detail: "the value is not a byte sequence (no leading ':')"))
    }

    func testClientCertWithoutClosingColonIsNotAByteSequence() {
        XCTAssertEqual(error([("Client-Cert", ":" + ProxyEncoding.base64(pki.leaf))]),
                       .notAByteSequence(header: "Client-Cert", detail: "missing closing ':'"))
    }

    func testClientCertWithANonBase64CharacterIsNotAByteSequence() {
        XCTAssertEqual(error([("Client-Cert", ":MIIB!AAA:")]),
                       .notAByteSequence(header: "Client-Cert", detail: "unexpected '!' at offset 5 inside the byte sequence"))
    }

    func testClientCertWithImpossibleBase64LengthIsBadBase64() {
        XCTAssertEqual(error([("Client-Cert", ":QUJDQ:")]),
                       .invalidBase64(header: "Client-Cert", detail: "5 characters do not form whole base64 quanta"))
    }

    func testClientCertHoldingBytesThatAreNotACertificateIsBadDER() {
        let notDER = ":" + Data("hello, world".utf8).base64EncodedString() + ":"
        XCTAssertEqual(error([("Client-Cert", notDER)]),
                       .invalidCertificate(header: "Client-Cert", reason: "ASN.1 truncatedASN1Field"))
        XCTAssertEqual(error([("Client-Cert", "::")]), .invalidCertificate(header: "Client-Cert", reason: "no bytes"))
    }

    func testClientCertGivenAsAListIsRejected() {
        let one = ProxyEncoding.byteSequence(pki.leaf), two = ProxyEncoding.byteSequence(pki.otherLeaf)
        XCTAssertEqual(error([("Client-Cert", "\(one), \(two)")]), .clientCertIsList(header: "Client-Cert"))
        XCTAssertEqual(error([("Client-Cert", one), ("Client-Cert", two)]), .clientCertIsList(header: "Client-Cert"))
    }

    func testClientCertChainWithoutClientCertIsRejected() {
        XCTAssertEqual(error([("Client-Cert-Chain", ProxyEncoding.byteSequence(pki.intermediate))]), .chainWithoutClientCert)
    }

    func testClientCertChainMemberOfAnotherTypeIsRejected() {
        let headers = [("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
                       ("Client-Cert-Chain", "\(ProxyEncoding.byteSequence(pki.intermediate)), \"CN=Root\"")]
        XCTAssertEqual(error(headers), .notAByteSequence(header: "Client-Cert-Chain", detail: "list member 2 is not a byte sequence (no leading ':')"))
    }

    func testClientCertChainMemberThatIsNotACertificateNamesTheMember() {
        let headers = [("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
                       ("Client-Cert-Chain", "\(ProxyEncoding.byteSequence(pki.intermediate)), :AAAA:")]
        XCTAssertEqual(error(headers), .invalidCertificate(header: "Client-Cert-Chain", reason: "list member 2: ASN.1 invalidASN1Object"))
    }

    // MARK: XFCC

    func testXFCCUnterminatedQuoteReportsWhereItOpened() {
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Hash=aa;Subject=\"CN=alice")]),
                       .xfccUnterminatedQuote(header: "X-Forwarded-Client-Cert", offset: 16))
    }

    func testXFCCPairWithoutEqualsIsASyntaxError() {
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Hash=aa;Cert")]),
                       .xfccSyntax(header: "X-Forwarded-Client-Cert", offset: 8, detail: "expected Key=Value"))
    }

    func testXFCCTextAfterAQuotedValueIsASyntaxError() {
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Subject=\"CN=a\"x;Hash=aa")]),
                       .xfccSyntax(header: "X-Forwarded-Client-Cert", offset: 14, detail: "expected ';' or ',' after the value of Subject"))
    }

    func testXFCCSubjectOnlyElementIsNeverMappedFromTheDN() {
        // Envoy docs example 1, exactly: a DN and a hash, no certificate.
        let value = "By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;"
            + "Subject=\"/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client\";URI=spiffe://lyft.com/frontend;DNS=lyft.com;DNS=www.lyft.com"
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", value)]), .xfccElementWithoutCertificate(header: "X-Forwarded-Client-Cert"))
    }

    func testXFCCCertInAnEarlierElementDoesNotRescueACertlessRightmostElement() {
        let cert = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf]))
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Cert=\"\(cert)\",By=spiffe://b;Hash=bb;Subject=\"CN=alice\"")]),
                       .xfccElementWithoutCertificate(header: "X-Forwarded-Client-Cert"))
    }

    func testXFCCCertHoldingTwoCertificatesIsRejected() {
        let both = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf, pki.intermediate]))
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Cert=\"\(both)\"")]), .tooManyCertificates(header: "X-Forwarded-Client-Cert", count: 2))
    }

    func testXFCCCertGivenTwiceInOneElementIsASyntaxError() {
        let cert = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf]))
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", "Cert=\(cert);cert=\(cert)")]),
                       .xfccSyntax(header: "X-Forwarded-Client-Cert", offset: cert.utf8.count + 6, detail: "Cert= appears twice in one element"))
    }

    func testXFCCEmptyValueIsRejected() {
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", " , ")]), .emptyValue(header: "X-Forwarded-Client-Cert"))
    }

    // MARK: nginx and HAProxy

    func testMalformedPercentEscapeIsAURLDecodingError() {
        XCTAssertEqual(error([("X-SSL-Client-Cert", "-----BEGIN%20CERTIFICATE-----%0AMII%G1")]),
                       .urlDecodingFailed(header: "X-SSL-Client-Cert", offset: 35))
        XCTAssertEqual(error([("X-SSL-Client-Cert", "-----BEGIN%2")]), .urlDecodingFailed(header: "X-SSL-Client-Cert", offset: 10))
    }

    /// The slips a real forwarder makes, each named for what it is.
    func testPEMEscapedTwiceOrWithoutItsArmourIsNamedForWhatItIs() {
        let twice = ProxyEncoding.nginxEscaped(ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf])))
        XCTAssertEqual(error([("X-SSL-Client-Cert", twice)]), .encodedTwice(header: "X-SSL-Client-Cert"))
        XCTAssertTrue(ForwardedHeaderError.encodedTwice(header: "X-SSL-Client-Cert").description.contains("URL-encoded twice"))
        XCTAssertEqual(error([("X-SSL-Client-Cert", ProxyEncoding.base64(pki.leaf))]), .pemWithoutArmour(header: "X-SSL-Client-Cert"))
        let spaced = ProxyEncoding.pem([pki.leaf]).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "BEGIN CERTIFICATE", with: "BEGIN CERTIFICATE")
        guard case .certificate = parser.parse(headers: [("X-SSL-Client-Cert", ProxyEncoding.nginxEscaped(spaced))]) else {
            return XCTFail("PEM whose lines were folded into spaces is still read")
        }
    }

    func testPEMWithoutACertificateBlockIsRejected() {
        let key = ProxyEncoding.nginxEscaped("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n")
        XCTAssertEqual(error([("X-SSL-Client-Cert", key)]), .noPEMCertificate(header: "X-SSL-Client-Cert"))
        let truncated = ProxyEncoding.nginxEscaped(String(ProxyEncoding.pem([pki.leaf]).dropLast(30)))
        XCTAssertEqual(error([("X-SSL-Client-Cert", truncated)]), .noPEMCertificate(header: "X-SSL-Client-Cert"))
    }

    func testPEMBlockWithBadBase64NamesTheCertificate() {
        let value = ProxyEncoding.nginxEscaped("-----BEGIN CERTIFICATE-----\nMIIB*AAA\n-----END CERTIFICATE-----\n")
        XCTAssertEqual(error([("X-SSL-Client-Cert", value)]),
                       .invalidBase64(header: "X-SSL-Client-Cert", detail: "PEM certificate 1: '*' at offset 4 is not in the base64 alphabet"))
    }

    func testBase64DERWithAForeignCharacterIsBadBase64() {
        XCTAssertEqual(error([("X-SSL-Client-DER", "MIIB AAAA")]),
                       .invalidBase64(header: "X-SSL-Client-DER", detail: "byte 0x20 at offset 4 is not in the base64 alphabet"))
    }

    func testPEMSentAsBase64DERSaysWhichFormatToConfigure() {
        XCTAssertEqual(error([("X-SSL-Client-DER", ProxyEncoding.pem([pki.leaf]))]),
                       .invalidBase64(header: "X-SSL-Client-DER", detail: "the value is PEM; configure this header as escapedPEM"))
    }

    func testRepeatedSingleCertificateHeaderIsAmbiguous() {
        let value = ProxyEncoding.base64(pki.leaf)
        XCTAssertEqual(error([("X-SSL-Client-DER", value), ("x-ssl-client-der", value)]), .repeatedHeader(header: "X-SSL-Client-DER"))
    }

    // MARK: Size limit

    func testOverLongValueIsRejectedWithItsSize() {
        let parser = ForwardedCertificateParser(settings: .init(maxHeaderValueBytes: 100))
        let value = ProxyEncoding.byteSequence(pki.leaf)
        XCTAssertEqual(error([("Client-Cert", value)], parser: parser),
                       .valueTooLong(header: "Client-Cert", bytes: value.utf8.count, limit: 100))
        // XFCC lines are measured together, as the one list they form.
        XCTAssertEqual(error([("X-Forwarded-Client-Cert", String(repeating: "a", count: 60)), ("X-Forwarded-Client-Cert", String(repeating: "b", count: 60))], parser: parser),
                       .valueTooLong(header: "X-Forwarded-Client-Cert", bytes: 121, limit: 100))
    }

    // MARK: Messages

    func testMessagesNameTheHeaderAndNeverEchoTheValue() {
        let secretish = "SECRETVALUE"
        let cases: [(String, String, String)] = [
            ("Client-Cert", secretish, #"Client-Cert: not a structured-field byte sequence (:base64:, RFC 8941 §3.3.5): the value is not a byte sequence (no leading ':')"#),
            ("X-Forwarded-Client-Cert", "Subject=\"\(secretish)", "X-Forwarded-Client-Cert: XFCC syntax error: quoted value opened at offset 8 is never closed"),
            ("X-Forwarded-Client-Cert", "Subject=\"\(secretish)\"", "X-Forwarded-Client-Cert: XFCC element has no Cert= or Chain= (a Subject/Hash alone cannot be mapped)"),
            ("X-SSL-Client-Cert", "\(secretish)%", "X-SSL-Client-Cert: URL-decoding failed: malformed %-escape at offset 11"),
            ("X-SSL-Client-DER", "\(secretish)!", "X-SSL-Client-DER: invalid base64: '!' at offset 11 is not in the base64 alphabet"),
        ]
        for (name, value, message) in cases {
            let description = error([(name, value)])?.description
            XCTAssertEqual(description, message)
            XCTAssertFalse(description?.contains(secretish) ?? true)
        }
        XCTAssertEqual(ForwardedHeaderError.valueTooLong(header: "Client-Cert", bytes: 20000, limit: 16384).description,
                       "Client-Cert: value is 20000 bytes, over the 16384-byte limit")
        XCTAssertEqual(ForwardedHeaderError.clientCertIsList(header: "Client-Cert").description,
                       "Client-Cert: must be a single byte sequence, not a list or a repeated header (RFC 9440 §2.2)")
    }
}
