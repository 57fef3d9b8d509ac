import Crypto
import Foundation
import SwiftASN1
import XCTest

@testable import CertMapCore

/// `CertificateLoader` accepts what operators hand over and names what is wrong otherwise.
final class CertificateLoaderTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testSinglePEMGivesOneIdentityEqualToTheCertificate() throws {
        let alice = try TestCertificates.person("alice")
        let loaded = try CertificateLoader.certificates(from: bytes(TestCertificates.pem(alice)), source: "alice.crt")
        XCTAssertEqual(loaded, [alice])
        XCTAssertEqual(loaded.first?.sha256, alice.sha256)
    }

    func testPEMBundleGivesEveryCertificateInFileOrderAndSkipsOtherBlocks() throws {
        let leaf = try TestCertificates.person("leaf")
        let intermediate = try TestCertificates.person("intermediate")
        let root = try TestCertificates.person("root")
        let key = P256.Signing.PrivateKey().pemRepresentation
        let bundle = "subject=CN=leaf\n" + TestCertificates.pem(leaf) + key + "\n" + TestCertificates.pem(intermediate) + "\n" + TestCertificates.pem(root)
        let loaded = try CertificateLoader.certificates(from: bytes(bundle), source: "bundle.pem")
        XCTAssertEqual(loaded.map(\.subject.commonName), ["leaf", "intermediate", "root"])
        XCTAssertEqual(loaded, [leaf, intermediate, root])
    }

    func testRawDERGivesOneIdentity() throws {
        let bob = try TestCertificates.person("bob")
        XCTAssertEqual(try CertificateLoader.certificates(from: bob.der, source: "bob.der"), [bob])
    }

    func testLeafAndChainSplitsTheFirstCertificateFromTheRest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let leaf = try TestCertificates.person("leaf")
        let issuer = try TestCertificates.person("issuer")
        let file = directory.file("chain.pem")
        try Data((TestCertificates.pem(leaf) + TestCertificates.pem(issuer)).utf8).write(to: file)
        let (loadedLeaf, chain) = try CertificateLoader.leafAndChain(at: file)
        XCTAssertEqual(loadedLeaf, leaf)
        XCTAssertEqual(chain, [issuer])
    }

    func testEmptyFileIsReportedAsEmpty() {
        XCTAssertThrowsError(try CertificateLoader.certificates(from: [], source: "empty.crt")) { error in
            XCTAssertEqual(error as? CertificateLoadError, .empty(source: "empty.crt"))
            XCTAssertEqual("\(error)", "empty.crt: the file is empty; expected a PEM or DER certificate")
        }
    }

    func testPrivateKeyPEMIsNamedAndHintsAtTheKeyFile() {
        let key = P256.Signing.PrivateKey().pemRepresentation
        XCTAssertThrowsError(try CertificateLoader.certificates(from: bytes(key), source: "alice.key")) { error in
            XCTAssertEqual(error as? CertificateLoadError, .notACertificate(source: "alice.key", found: ["PRIVATE KEY"]))
            XCTAssertEqual(
                "\(error)",
                #"alice.key: no CERTIFICATE block; the file holds "PRIVATE KEY" (this looks like the .key file; give the .crt)"#
            )
        }
    }

    func testCertificateRequestPEMIsNamedWithoutTheKeyHint() {
        let csr = "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n"
        XCTAssertThrowsError(try CertificateLoader.certificates(from: bytes(csr), source: "alice.csr")) { error in
            XCTAssertEqual("\(error)", #"alice.csr: no CERTIFICATE block; the file holds "CERTIFICATE REQUEST""#)
        }
    }

    func testGarbageIsNeitherPEMNorDER() {
        XCTAssertThrowsError(try CertificateLoader.certificates(from: bytes("hello, I am not a certificate\n"), source: "notes.txt")) { error in
            XCTAssertEqual(error as? CertificateLoadError, .unknownFormat(source: "notes.txt"))
            XCTAssertEqual(
                "\(error)",
                #"notes.txt: neither PEM nor DER; expected a file starting with "-----BEGIN CERTIFICATE-----" or a DER SEQUENCE"#
            )
        }
    }

    func testTruncatedDERIsReportedAsInvalidDER() throws {
        let der = try TestCertificates.person("truncated").der
        XCTAssertThrowsError(try CertificateLoader.certificates(from: Array(der.prefix(der.count / 2)), source: "cut.der")) { error in
            guard case .invalidDER(let source, let reason)? = error as? CertificateLoadError else {
                return XCTFail("expected invalidDER, got \(error)")
            }
            XCTAssertEqual(source, "cut.der")
            XCTAssertFalse(reason.isEmpty)
            XCTAssertTrue("\(error)".hasPrefix("cut.der: not a valid X.509 certificate: "), "\(error)")
        }
    }

    func testBadCertificateInsideABundleIsNumbered() throws {
        let good = TestCertificates.pem(try TestCertificates.person("good"))
        let cut = Array(try TestCertificates.person("cut").der.prefix(60))
        let bad = PEMDocument(type: "CERTIFICATE", derBytes: cut).pemString + "\n"
        XCTAssertThrowsError(try CertificateLoader.certificates(from: bytes(good + bad), source: "bundle.pem")) { error in
            guard case .invalidDER(let source, _)? = error as? CertificateLoadError else {
                return XCTFail("expected invalidDER, got \(error)")
            }
            XCTAssertEqual(source, "bundle.pem (certificate 2)")
        }
    }

    func testMissingFileIsUnreadableAndNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/certmap/alice.crt")
        XCTAssertThrowsError(try CertificateLoader.certificates(at: url)) { error in
            guard case .unreadable(let source, _)? = error as? CertificateLoadError else {
                return XCTFail("expected unreadable, got \(error)")
            }
            XCTAssertEqual(source, "/nonexistent/certmap/alice.crt")
            XCTAssertEqual("\(error)", "/nonexistent/certmap/alice.crt: no such file")
        }
    }
}
