import CertMapCore
import Foundation
import XCTest

/// The encoder is the parser's inverse: whatever the reverse-proxy simulator writes, the server
/// reads back as the same certificate and chain, in every format.
final class ForwardedCertificateEncoderTests: XCTestCase {
    private var home: DataHome!

    override func setUpWithError() throws {
        home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-encoder-\(UUID().uuidString)"))
        _ = try HomeBootstrap.prepare(home, now: Date())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home.url)
    }

    private func identity(_ name: String) throws -> CertificateIdentity {
        try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("\(name).crt"))[0]
    }

    func testEveryFormatRoundTripsThroughTheParserWithAndWithoutAChain() throws {
        let alice = try identity("alice")
        let intermediate = try identity("intermediate-ca")
        let encoder = ForwardedCertificateEncoder()
        let parser = ForwardedCertificateParser()
        for format in ForwardedCertificateFormat.allCases {
            for chain in [[], [intermediate.der]] {
                let headers = encoder.headers(format: format, leaf: alice.der, chain: chain)
                guard case .certificate(let parsed) = parser.parse(headers: headers) else {
                    return XCTFail("\(format) with \(chain.count) chain certificate(s) did not parse: \(parser.parse(headers: headers))")
                }
                XCTAssertEqual(parsed.format, format)
                XCTAssertEqual(parsed.leaf.sha256, alice.sha256, "\(format)")
                if format != .escapedPEM && format != .base64DER {
                    XCTAssertEqual(parsed.chain.map(\.sha256), chain.isEmpty ? [] : [intermediate.sha256], "\(format) keeps the chain")
                }
            }
        }
    }

    func testEscapedPEMIsWhatNginxWouldWrite() throws {
        let file = home.pkiDirectory.appendingPathComponent("bob.crt")
        let pem = try String(contentsOf: file, encoding: .utf8)
        let value = try XCTUnwrap(ForwardedCertificateEncoder().headers(format: .escapedPEM, leaf: identity("bob").der).first?.value)
        XCTAssertEqual(value.removingPercentEncoding, pem)
        XCTAssertTrue(value.hasPrefix("-----BEGIN%20CERTIFICATE-----%0A"), value)
    }
}
