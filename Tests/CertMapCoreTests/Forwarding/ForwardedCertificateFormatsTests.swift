import Foundation
import XCTest
@testable import CertMapCore

/// Each proxy's format, fed the value that proxy really sends, yields the client's certificate.
final class ForwardedCertificateFormatsTests: XCTestCase {
    private var pki: ForwardingTestPKI!
    private let parser = ForwardedCertificateParser()

    override func setUpWithError() throws { pki = try ForwardingTestPKI() }

    // MARK: RFC 9440

    func testClientCertByteSequenceYieldsTheLeaf() throws {
        // RFC 9440 Appendix A shape: `Client-Cert: :MIIB...:`
        let result = parser.parse(headers: [("Client-Cert", ProxyEncoding.byteSequence(pki.leaf))])
        let forwarded = try result.certificate()
        XCTAssertEqual(forwarded.format, .rfc9440)
        XCTAssertEqual(forwarded.headerName, "Client-Cert")
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.leaf.subject.commonName, "alice")
        XCTAssertEqual(forwarded.chain, [])
        XCTAssertEqual(forwarded.otherFormatsPresent, [])
    }

    func testClientCertChainSplitOverTwoLinesYieldsTheChainInTLSOrder() throws {
        let result = parser.parse(headers: [
            ("Client-Cert", ProxyEncoding.byteSequence(pki.leaf)),
            ("Client-Cert-Chain", ProxyEncoding.byteSequence(pki.intermediate)),
            ("Client-Cert-Chain", ProxyEncoding.byteSequence(pki.root)),
        ])
        XCTAssertEqual(try result.certificate().chain, [pki.intermediate, pki.root])
    }

    func testClientCertChainAsOneListWithParametersYieldsTheChain() throws {
        // RFC 8941 allows parameters on items; RFC 9440 defines none, so they are ignored.
        let chain = "\(ProxyEncoding.byteSequence(pki.intermediate));note=\"issuing, CA\" ,\t\(ProxyEncoding.byteSequence(pki.root));x=?1"
        let result = parser.parse(headers: [
            ("Client-Cert", "  \(ProxyEncoding.byteSequence(pki.leaf));hop=1 "),
            ("Client-Cert-Chain", chain),
        ])
        let forwarded = try result.certificate()
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.chain, [pki.intermediate, pki.root])
    }

    func testClientCertWithoutBase64PaddingIsAccepted() throws {
        // RFC 8941 §4.2.7: parsers SHOULD NOT fail when '=' padding is missing.
        let unpadded = ProxyEncoding.base64(pki.leaf).replacingOccurrences(of: "=", with: "")
        XCTAssertEqual(try parser.parse(headers: [("Client-Cert", ":\(unpadded):")]).certificate().leaf, pki.leaf)
    }

    // MARK: Envoy XFCC

    private func xfccCert(_ identity: CertificateIdentity) -> String {
        ProxyEncoding.nginxEscaped(ProxyEncoding.pem([identity]))
    }

    func testXFCCDocumentedElementWithQuotedSubjectYieldsCertAndChainWithoutTheLeaf() throws {
        // Envoy docs example keys, with Cert and Chain quoted as Envoy writes them; Chain
        // includes the leaf (Envoy docs), which must not reappear in `chain`.
        let chain = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf, pki.intermediate]))
        let value = "By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;"
            + "Cert=\"\(xfccCert(pki.leaf))\";Chain=\"\(chain)\";"
            + "Subject=\"/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client, \\\"Jr.\\\"; x=y\";"
            + "URI=spiffe://lyft.com/frontend;DNS=lyft.com;DNS=www.lyft.com"
        let forwarded = try parser.parse(headers: [("x-forwarded-client-cert", value)]).certificate()
        XCTAssertEqual(forwarded.format, .xfcc)
        XCTAssertEqual(forwarded.headerName, "X-Forwarded-Client-Cert")
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.chain, [pki.intermediate])
    }

    func testXFCCRightmostElementWins() throws {
        let value = "By=spiffe://lyft.com/frontend;Hash=aa;Cert=\"\(xfccCert(pki.otherLeaf))\";URI=spiffe://lyft.com/testclient,"
            + "By=spiffe://lyft.com/backend;Hash=bb;Cert=\"\(xfccCert(pki.leaf))\";URI=spiffe://lyft.com/frontend"
        XCTAssertEqual(try parser.parse(headers: [("X-Forwarded-Client-Cert", value)]).certificate().leaf, pki.leaf)
    }

    func testXFCCRecordsWhichElementOfHowManyWasUsed() throws {
        let value = "Hash=aa;Cert=\"\(xfccCert(pki.otherLeaf))\",Hash=bb;Cert=\"\(xfccCert(pki.leaf))\""
        let forwarded = try parser.parse(headers: [("X-Forwarded-Client-Cert", value)]).certificate()
        XCTAssertEqual(forwarded.xfccElement, XFCCElementPosition(index: 2, count: 2))
        XCTAssertEqual(forwarded.xfccElement?.text, "element 2 of 2 (the rightmost, appended by the nearest proxy; the others are not believed)")
        let single = try parser.parse(headers: [("X-Forwarded-Client-Cert", "Cert=\"\(xfccCert(pki.leaf))\"")]).certificate()
        XCTAssertEqual(single.xfccElement?.text, "element 1 of 1")
        let rfc9440 = try parser.parse(headers: [("Client-Cert", ":\(Data(pki.leaf.der).base64EncodedString()):")]).certificate()
        XCTAssertNil(rfc9440.xfccElement)
    }

    func testXFCCTwoHeaderLinesAreOneListAndTheLastLinesLastElementWins() throws {
        let result = parser.parse(headers: [
            ("X-Forwarded-Client-Cert", "Hash=aa;Cert=\"\(xfccCert(pki.otherLeaf))\""),
            ("Via", "1.1 envoy"),
            ("X-Forwarded-Client-Cert", "Hash=bb;Cert=\"\(xfccCert(pki.leaf))\""),
        ])
        XCTAssertEqual(try result.certificate().leaf, pki.leaf)
    }

    func testXFCCUnquotedCertAndLowercaseKeyAreAccepted() throws {
        // %-escaped PEM holds no ',', ';' or '=', so a proxy may leave it unquoted; keys are case-insensitive.
        let result = parser.parse(headers: [("X-Forwarded-Client-Cert", "hash=aa; cert=\(xfccCert(pki.leaf)) ;dns=a.example")])
        XCTAssertEqual(try result.certificate().leaf, pki.leaf)
    }

    func testXFCCChainWithoutCertTakesTheLeafFromTheChain() throws {
        let chain = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf, pki.intermediate, pki.root]))
        let forwarded = try parser.parse(headers: [("X-Forwarded-Client-Cert", "Hash=aa;Chain=\"\(chain)\"")]).certificate()
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.chain, [pki.intermediate, pki.root])
    }

    // MARK: nginx escaped PEM

    func testNginxEscapedPEMFromOpenSSLYieldsTheCertificate() throws {
        let pem = try ProxyEncoding.opensslSelfSigned(commonName: "openssl-client")
        let escaped = ProxyEncoding.nginxEscaped(pem)
        XCTAssertTrue(escaped.hasPrefix("-----BEGIN%20CERTIFICATE-----%0AMII"), escaped)
        XCTAssertTrue(escaped.hasSuffix("%0A-----END%20CERTIFICATE-----%0A"), escaped)
        let forwarded = try parser.parse(headers: [("X-SSL-Client-Cert", escaped)]).certificate()
        XCTAssertEqual(forwarded.format, .escapedPEM)
        XCTAssertEqual(forwarded.headerName, "X-SSL-Client-Cert")
        XCTAssertEqual(forwarded.leaf.subject.commonName, "openssl-client")
        XCTAssertEqual(forwarded.leaf, try CertificateLoader.certificates(from: Array(pem.utf8), source: "openssl")[0])
    }

    func testNginxEscapedPEMBundleYieldsLeafThenChain() throws {
        let escaped = ProxyEncoding.nginxEscaped(ProxyEncoding.pem([pki.leaf, pki.intermediate]))
        let forwarded = try parser.parse(headers: [("X-SSL-Client-Cert", escaped)]).certificate()
        XCTAssertEqual(forwarded.leaf, pki.leaf)
        XCTAssertEqual(forwarded.chain, [pki.intermediate])
    }

    func testDeprecatedNginxClientCertWithFoldedLinesIsAccepted() throws {
        let folded = ProxyEncoding.nginxTabFolded(ProxyEncoding.pem([pki.leaf]))
        XCTAssertTrue(folded.contains("\n\tMII"))
        // As sent (tab-prefixed continuation lines) and as an HTTP parser unfolds it (single spaces).
        for value in [folded, folded.replacingOccurrences(of: "\n\t", with: " ")] {
            XCTAssertEqual(try parser.parse(headers: [("X-SSL-Client-Cert", value)]).certificate().leaf, pki.leaf)
        }
    }

    // MARK: HAProxy base64 DER

    func testHAProxyBase64DERYieldsTheCertificatePlainOrQuoted() throws {
        let base64 = ProxyEncoding.base64(pki.leaf)
        // `%[ssl_c_der,base64]` and `%{+Q}[ssl_c_der,base64]`.
        for value in [base64, "\"\(base64)\""] {
            let forwarded = try parser.parse(headers: [("X-SSL-Client-DER", value)]).certificate()
            XCTAssertEqual(forwarded.format, .base64DER)
            XCTAssertEqual(forwarded.headerName, "X-SSL-Client-DER")
            XCTAssertEqual(forwarded.leaf, pki.leaf)
        }
    }

    func testEmptyProxyVariableHeaderMeansNoCertificate() {
        // HAProxy substitutes "" when the client sent no certificate (and `%{+Q}` gives `""`).
        XCTAssertEqual(parser.parse(headers: [("X-SSL-Client-DER", "")]), .none)
        XCTAssertEqual(parser.parse(headers: [("X-SSL-Client-DER", "\"\"")]), .none)
        XCTAssertEqual(parser.parse(headers: [("X-SSL-Client-Cert", " ")]), .none)
    }

    func testConfiguredHeaderNamesAreRead() throws {
        let parser = ForwardedCertificateParser(settings: .init(escapedPEMHeader: "SSL_CLIENT_CERT", base64DERHeader: "X-Client-DER"))
        XCTAssertEqual(try parser.parse(headers: [("ssl_client_cert", xfccCert(pki.leaf))]).certificate().headerName, "SSL_CLIENT_CERT")
        XCTAssertEqual(try parser.parse(headers: [("x-client-der", ProxyEncoding.base64(pki.leaf))]).certificate().leaf, pki.leaf)
        XCTAssertEqual(parser.parse(headers: [("X-SSL-Client-DER", ProxyEncoding.base64(pki.leaf))]), .none)
    }
}
