import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import X509
import XCTest

/// Trust files are validated like the configuration: a CA bundle, CRL or server key that does not
/// load or does not make sense is refused in one line naming the file, at start and on every
/// reload, and the last good generation keeps serving.
final class TrustReloadTests: XCTestCase {
    private func systemMessages(_ harness: ServerHarness) -> [String] {
        harness.service.events.recent().compactMap { if case .system(let system) = $0.kind { system.message } else { nil } }
    }

    /// alice's decision for `/` is `expected`.
    private func assertAlice(
        _ harness: ServerHarness, _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let decision = try await ExternalClients.curl(harness, cert: "alice", paths: ["/"]).first?.decision ?? "?"
        XCTAssertEqual(decision, expected, message, file: file, line: line)
    }

    /// Makes the server trust a copy of the demo bundle, saved and applied (curl keeps using the
    /// original to trust the server, whatever happens to the copy); returns the copy.
    private func trustingACopyOfTheBundle(_ harness: ServerHarness) throws -> URL {
        let bundle = harness.home.url.appendingPathComponent("client-cas.pem")
        try FileManager.default.copyItem(at: harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem"), to: bundle)
        var document = harness.service.configuration.current.document
        document.trust.caBundle = "client-cas.pem"
        try ConfigStore(home: harness.home).save(document)
        try harness.service.apply(document)
        return bundle
    }

    /// Replaces the CA bundle with `text` (nil: deletes it), reloads, and checks that the
    /// generation did not change, alice is still served, and one line names the bundle.
    private func assertBundleRefused(
        _ replacement: (DataHome) throws -> String?, saying expected: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let harness = try await ServerHarness.start(self)
        let bundle = try trustingACopyOfTheBundle(harness)
        let text = try replacement(harness.home)
        let watcher = ConfigFileWatcher(service: harness.service)
        try await assertAlice(harness, "200", file: file, line: line)
        let generation = harness.service.configuration.current.generation
        if let text { try text.write(to: bundle, atomically: true, encoding: .utf8) } else { try FileManager.default.removeItem(at: bundle) }
        watcher.reload(reason: "SIGHUP")
        let warnings = systemMessages(harness).filter { $0.hasPrefix("warning: trust files changed") }
        XCTAssertEqual(warnings.count, 1, "\(systemMessages(harness))", file: file, line: line)
        XCTAssertTrue(warnings.first?.contains(bundle.path) == true, warnings.first ?? "", file: file, line: line)
        XCTAssertTrue(warnings.first?.contains(expected) == true, warnings.first ?? "", file: file, line: line)
        XCTAssertTrue(warnings.first?.hasSuffix("generation \(generation) keeps serving") == true, warnings.first ?? "", file: file, line: line)
        XCTAssertEqual(harness.service.configuration.current.generation, generation, file: file, line: line)
        try await assertAlice(harness, "200", "the last good generation keeps serving", file: file, line: line)
    }

    func testAGarbageCABundleIsRefusedAndTheLastGoodGenerationServes() async throws {
        try await assertBundleRefused({ _ in "this is not a certificate\n" }, saying: "trust.caBundle: no PEM CERTIFICATE blocks found")
    }

    func testAHalfGarbageCABundleIsRefused() async throws {
        try await assertBundleRefused({ home in
            let bundle = try String(contentsOf: home.pkiDirectory.appendingPathComponent("ca-bundle.pem"), encoding: .utf8)
            let first = bundle[..<bundle.range(of: "-----END CERTIFICATE-----")!.upperBound]
            return first + "\n-----BEGIN CERTIFICATE-----\nMIIBgarbage\n-----END CERTIFICATE-----\n"
        }, saying: "trust.caBundle:")
    }

    func testAMissingCABundleIsRefused() async throws {
        try await assertBundleRefused({ _ in nil }, saying: "trust.caBundle: cannot read CA bundle")
    }

    func testAConfigurationNamingABrokenBundleIsRefusedAndNothingChanges() async throws {
        let harness = try await ServerHarness.start(self)
        try "garbage".write(to: harness.home.url.appendingPathComponent("broken.pem"), atomically: true, encoding: .utf8)
        var document = harness.service.configuration.current.document
        document.trust.caBundle = "broken.pem"
        XCTAssertThrowsError(try harness.service.apply(document)) { error in
            XCTAssertTrue("\(error)".hasPrefix(harness.home.url.appendingPathComponent("broken.pem").path + ": trust.caBundle:"), "\(error)")
        }
        XCTAssertEqual(harness.service.configuration.current.generation, 1)
        try await assertAlice(harness, "200")
    }

    func testAServerKeyThatDoesNotBelongToTheCertificateIsRefused() async throws {
        let harness = try await ServerHarness.start(self)
        let watcher = ConfigFileWatcher(service: harness.service)
        let key = harness.home.pkiDirectory.appendingPathComponent("server.key")
        try FileManager.default.removeItem(at: key)
        try FileManager.default.copyItem(at: harness.home.pkiDirectory.appendingPathComponent("alice.key"), to: key)
        watcher.reload(reason: "SIGHUP")
        let warning = systemMessages(harness).first { $0.hasPrefix("warning: trust files changed") } ?? ""
        XCTAssertTrue(warning.contains("\(key.path): server.privateKey: does not belong to the server certificate"), warning)
        try await assertAlice(harness, "200")
    }

    func testAFixedTrustFileIsAppliedAsTheNextGeneration() async throws {
        let harness = try await ServerHarness.start(self)
        let bundle = try trustingACopyOfTheBundle(harness)
        let watcher = ConfigFileWatcher(service: harness.service)
        let good = try Data(contentsOf: bundle)
        try "garbage".write(to: bundle, atomically: true, encoding: .utf8)
        watcher.reload(reason: "SIGHUP")
        try good.write(to: bundle, options: .atomic)
        watcher.reload(reason: "SIGHUP")
        XCTAssertEqual(harness.service.configuration.current.generation, 3)
        XCTAssertTrue(systemMessages(harness).contains("configuration generation 3 applied (trust files reloaded: client-cas.pem changed on disk)"), "\(systemMessages(harness))")
        try await assertAlice(harness, "200")
    }

    func testAServerWhoseTrustFilesAreBrokenDoesNotStartAndSaysWhichFile() async throws {
        let home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-trust-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: home.url) }
        _ = try HomeBootstrap.prepare(home, now: Date())
        try "garbage".write(to: home.pkiDirectory.appendingPathComponent("ca-bundle.pem"), atomically: true, encoding: .utf8)
        let configuration = LiveConfiguration(try ConfigSnapshot(document: try ConfigStore(home: home).load(), generation: 1))
        let service = AuthenticationService(configuration: configuration, home: home, events: EventBus())
        do {
            _ = try await CertMapHTTPSServer.start(service: service, listen: ListenAddress(host: "127.0.0.1", port: 0), group: .singletonMultiThreadedEventLoopGroup)
            XCTFail("started with a garbage CA bundle")
        } catch {
            XCTAssertEqual(
                "\(error)", "\(home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path): trust.caBundle: no PEM CERTIFICATE blocks found; a CA bundle is one or more -----BEGIN CERTIFICATE----- blocks")
        }
    }

    func testACRLPastItsNextUpdateIsReportedAndRefusesWhenAskedTo() async throws {
        let harness = try await ServerHarness.start(self)
        let pki = harness.home.pkiDirectory
        let issuing = try CertificateIssuer.load(certificateAt: pki.appendingPathComponent("intermediate-ca.crt"), keyAt: pki.appendingPathComponent("intermediate-ca.key"))
        let now = Date()
        let stale = try CertificateRevocationList.issue(
            issuer: issuing.certificate, issuerKey: issuing.privateKey, revoked: [], thisUpdate: now - 10 * 86_400, nextUpdate: now - 86_400, crlNumber: 99)
        try (stale.pemString + "\n").write(to: harness.home.url.appendingPathComponent("stale.pem"), atomically: true, encoding: .utf8)
        var document = harness.service.configuration.current.document
        document.trust.crls = ["stale.pem"]
        try harness.service.apply(document)
        let reports = harness.service.events.recent().compactMap { event -> SecurityEvent? in
            if case .security(let security) = event.kind, security.category == .staleCRL { return security }
            return nil
        }
        XCTAssertEqual(reports.count, 1)
        XCTAssertTrue(reports.first?.message.contains("stale.pem: the CRL of CN=CertMap Demo Issuing CA is past its nextUpdate") == true, reports.first?.message ?? "")
        XCTAssertEqual(harness.service.staleCRLCount, 1)
        try await assertAlice(harness, "200", "warn (the default) keeps using the CRL")
        document.trust.staleCRL = .refuse
        try harness.service.apply(document)
        try await assertAlice(harness, "403.13", "refuse: certificates the stale CRL covers are refused")
        let record = try XCTUnwrap(harness.requestRecords().last)
        XCTAssertEqual(record.decision.reason, .revocationUnknown)
        XCTAssertTrue(Diagnosis(record: record).cause.contains("past its nextUpdate"), Diagnosis(record: record).cause)
    }

    /// A client that ends the handshake because it does not trust certmap is told which side
    /// to fix: certmap's own certificate file when it lacks its intermediate, else the client's roots.
    func testAClientThatDoesNotTrustCertmapIsToldWhetherCertmapsChainIsComplete() async throws {
        let harness = try await ServerHarness.start(self)
        func failedHandshake() async throws -> String {
            let before = tlsMessages(harness).count
            let output = try await ExternalClients.run("curl", [
                "-sS", "--cacert", harness.home.pkiDirectory.appendingPathComponent("impostor-ca.crt").path, "https://127.0.0.1:\(harness.port)/"])
            XCTAssertNotEqual(output.status, 0, "curl trusted certmap with an unrelated CA")
            _ = await eventually { tlsMessages(harness).count > before }
            return tlsMessages(harness).last ?? ""
        }
        let complete = try await failedHandshake()
        XCTAssertTrue(complete.contains("certmap sends its whole chain up to the root, so the client probably lacks that root CA"), complete)
        let server = harness.home.pkiDirectory.appendingPathComponent("server.crt")
        let text = try String(contentsOf: server, encoding: .utf8)
        try String(text[..<text.range(of: "-----END CERTIFICATE-----")!.upperBound] + "\n").write(to: server, atomically: true, encoding: .utf8)
        try harness.service.loadTrust()
        let incomplete = try await failedHandshake()
        XCTAssertTrue(incomplete.contains("certmap's own chain is incomplete"), incomplete)
        XCTAssertTrue(incomplete.contains("append CN=CertMap Demo Issuing CA"), incomplete)
    }

    private func tlsMessages(_ harness: ServerHarness) -> [String] {
        harness.service.events.recent().compactMap { if case .security(let event) = $0.kind, event.category == .tls { event.message } else { nil } }
    }
}
