import CertMapCore
import Foundation
import XCTest

final class DemoPKITests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var pki: URL { temporary.url.appendingPathComponent("pki") }
    private let now = Date()

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory(prefix: "certmap-pki")
        try DemoPKI.initialize(in: pki, now: now)
    }

    override func tearDown() {
        temporary.remove()
    }

    private func verify(_ name: String, extra: [String] = []) throws -> OpenSSLRunner.Result {
        try OpenSSLRunner.run(["verify", "-CAfile", "ca-bundle.pem"] + extra + ["\(name).crt"], in: pki)
    }

    func testOpenSSLAcceptsEveryValidDemoCredentialAgainstTheBundle() throws {
        for name in ["alice", "bob", "carol", "dave", "erin", "server", "proxy"] {
            let result = try verify(name)
            XCTAssertEqual(result.status, 0, "\(name): \(result.output)")
            XCTAssertTrue(result.stdout.contains("\(name).crt: OK"), "\(name): \(result.output)")
        }
    }

    func testOpenSSLRejectsImpostorAsUnableToGetLocalIssuer() throws {
        let result = try verify("impostor")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("unable to get local issuer certificate"), result.output)
    }

    func testOpenSSLRejectsExpiredUserAsExpired() throws {
        let result = try verify("expired")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("certificate has expired"), result.output)
    }

    func testOpenSSLRejectsNotYetValidUserAsNotYetValid() throws {
        let result = try verify("notyet")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("certificate is not yet valid"), result.output)
    }

    func testOpenSSLRejectsRevokedUserWhenCheckingTheCRL() throws {
        let result = try verify("revoked", extra: ["-crl_check", "-CRLfile", "crl.pem"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("certificate revoked"), result.output)
        let alice = try verify("alice", extra: ["-crl_check", "-CRLfile", "crl.pem"])
        XCTAssertEqual(alice.status, 0, alice.output)
    }

    func testOpenSSLVerifiesTheCRLSignatureWithTheIssuingCA() throws {
        let result = try OpenSSLRunner.runChecked(
            ["crl", "-in", "crl.pem", "-CAfile", "intermediate-ca.crt", "-noout"], in: pki
        )
        XCTAssertTrue(result.output.contains("verify OK"), result.output)
        let text = try OpenSSLRunner.runChecked(["crl", "-in", "crl.pem", "-noout", "-text"], in: pki).stdout
        XCTAssertTrue(text.contains("Key Compromise"), text)
        XCTAssertTrue(text.contains("X509v3 CRL Number"), text)
        XCTAssertTrue(text.contains("X509v3 Authority Key Identifier"), text)
    }

    func testPrivateKeysAreMode0600AndTheDirectoryIs0700() throws {
        XCTAssertEqual(try mode(of: pki), 0o700)
        let names = ["root-ca", "intermediate-ca", "impostor-ca", "server", "proxy", "alice", "bob", "carol",
                     "dave", "erin", "expired", "notyet", "revoked", "impostor"]
        for name in names {
            XCTAssertEqual(try mode(of: pki.appendingPathComponent("\(name).key")), 0o600, name)
        }
        let result = try OpenSSLRunner.run(["pkey", "-in", "alice.key", "-noout"], in: pki)
        XCTAssertEqual(result.status, 0, result.output)
    }

    func testReinitializingWithoutForceFailsAndChangesNothing() throws {
        let before = try snapshot()
        XCTAssertThrowsError(try DemoPKI.initialize(in: pki, now: now)) { error in
            XCTAssertEqual(error as? PKIError, .alreadyInitialized(directory: pki.path))
        }
        XCTAssertEqual(try snapshot(), before)
    }

    func testAnyExistingCredentialFileBlocksInitializationAndNothingIsWritten() throws {
        let other = temporary.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "old key".write(to: other.appendingPathComponent("alice.key"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DemoPKI.initialize(in: other, now: now)) { error in
            XCTAssertEqual(error as? PKIError, .alreadyInitialized(directory: other.path))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: other.path), ["alice.key"])
    }

    func testPrivateKeysAreWrittenAsPKCS8() throws {
        let key = try String(contentsOf: pki.appendingPathComponent("alice.key"), encoding: .utf8)
        XCTAssertTrue(key.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), key)
    }

    func testReinitializingWithForceReplacesTheCredentialsAndKeepsKeysPrivate() throws {
        let before = try snapshot()
        let manifest = try DemoPKI.initialize(in: pki, now: now, force: true)
        XCTAssertNotEqual(try snapshot()["alice.crt"], before["alice.crt"])
        XCTAssertEqual(try mode(of: manifest.credential(named: "alice")!.keyPath), 0o600)
        XCTAssertEqual(try verify("alice").status, 0)
    }

    func testManifestFingerprintsMatchOpenSSL() throws {
        let manifest = try DemoPKI.loadManifest(in: pki)
        XCTAssertEqual(manifest.credentials.count, 14)
        let alice = try XCTUnwrap(manifest.credential(named: "alice"))
        XCTAssertEqual(alice.role, .user)
        XCTAssertEqual(manifest.credential(named: "impostor")?.role, .impostorUser)
        let output = try OpenSSLRunner.runChecked(["x509", "-in", "alice.crt", "-noout", "-fingerprint", "-sha256"], in: pki)
        XCTAssertEqual(output.stdout.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, alice.sha256Fingerprint)
    }

    func testSubjectsKeepTheListedRDNOrder() throws {
        XCTAssertEqual(try subject("alice"), "emailAddress=alice@contoso.example,CN=alice,OU=Engineering,O=Contoso,C=US")
        XCTAssertEqual(try subject("impostor"), try subject("alice"))
        XCTAssertEqual(try subject("proxy"), "CN=certmap-proxy,OU=Proxies,O=CertMap Demo")
        XCTAssertEqual(try subject("root-ca"), "CN=CertMap Demo Root CA,O=CertMap Demo")
        let san = try OpenSSLRunner.runChecked(["x509", "-in", "server.crt", "-noout", "-ext", "subjectAltName"], in: pki)
        XCTAssertTrue(san.stdout.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), san.stdout)
    }

    func testIssueUserWithPlusProducesAMultiValuedRDN() throws {
        let credential = try CertificateIssuer.issueUser(name: "zoe", subject: "/O=Acme/OU=Ops+CN=zoe", in: pki, now: now)
        XCTAssertEqual(try subject("zoe"), "OU=Ops+CN=zoe,O=Acme")
        XCTAssertEqual(try mode(of: credential.keyPath), 0o600)
        XCTAssertEqual(try verify("zoe").status, 0)
    }

    func testIssueUserRefusesAnExistingNameAndWritesNothing() throws {
        let before = try snapshot()
        XCTAssertThrowsError(try CertificateIssuer.issueUser(name: "alice", subject: "/CN=alice2", in: pki, now: now)) { error in
            guard case .credentialExists(name: "alice", _) = error as? PKIError else {
                return XCTFail("unexpected \(error)")
            }
        }
        XCTAssertEqual(try snapshot(), before)
    }

    func testIssueUserRejectsABadSubjectNamingTheComponent() throws {
        XCTAssertThrowsError(try CertificateIssuer.issueUser(name: "x", subject: "/O=Acme/XX=1", in: pki, now: now)) { error in
            XCTAssertEqual(error as? SubjectParseError, .unknownAttribute(name: "XX", component: "XX=1"))
        }
    }

    // MARK: helpers

    private func subject(_ name: String) throws -> String {
        let result = try OpenSSLRunner.runChecked(["x509", "-in", "\(name).crt", "-noout", "-subject", "-nameopt", "RFC2253"], in: pki)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "subject=", with: "")
    }

    private func mode(of url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: pki.path) {
            files[name] = try Data(contentsOf: pki.appendingPathComponent(name))
        }
        return files
    }
}
