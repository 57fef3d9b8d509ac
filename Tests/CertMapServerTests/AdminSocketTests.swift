import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import XCTest

/// The admin socket a console attaches to: only its owner may use it, it streams events as they
/// happen, and it takes mode switches and configuration edits with the lost-update check.
final class AdminSocketTests: XCTestCase {
    private func start() async throws -> (ServerHarness, AdminServer, AdminClient) {
        let harness = try await ServerHarness.start(self)
        let path = harness.home.url.appendingPathComponent("admin.sock").path
        let admin = try await AdminServer.start(service: harness.service, path: path, listen: harness.server.boundAddress.description, group: harness.group)
        let client = try await AdminClient.connect(path: path, group: harness.group)
        addTeardownBlock {
            await client.close()
            await admin.stop()
        }
        return (harness, admin, client)
    }

    func testTheSocketIsTheOwnersOnlyAndSaysHelloWithTheServersState() async throws {
        let (harness, admin, client) = try await start()
        let attributes = try FileManager.default.attributesOfItem(atPath: admin.address)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(client.hello.type, .hello)
        XCTAssertEqual(client.hello.instance, harness.service.run)
        XCTAssertEqual(client.hello.mode, "per-request")
        XCTAssertEqual(client.hello.config, harness.service.configuration.current.document)
        XCTAssertEqual(client.hello.listen, harness.server.boundAddress.description)
    }

    func testARequestToTheServerReachesTheAttachedClientAsAnEvent() async throws {
        let (harness, _, client) = try await start()
        let results = try await ExternalClients.curl(harness, cert: "erin", paths: ["/attached"])
        XCTAssertEqual(results.map(\.decision), ["401.2"])
        // Bounded: a missing event fails the test instead of hanging it.
        let found = LockedState<RequestRecord?>(nil)
        let reading = Task {
            for await message in client.messages {
                if case .request(let record)? = message.event?.kind, record.path == "/attached" {
                    found.withLock { $0 = record }
                    return
                }
            }
        }
        _ = await eventually(within: 10) { found.withLock { $0 } != nil }
        reading.cancel()
        let seen = found.withLock { $0 }
        XCTAssertEqual(seen?.decision.statusText, "401.2")
        XCTAssertEqual(seen?.certificate?.commonName, "erin")
    }

    func testAModeSwitchIsAppliedAndAnswered() async throws {
        let (harness, _, client) = try await start()
        var command = AdminMessage(.mode)
        command.mode = "legacy-iis4"
        let result = try await client.send(command)
        XCTAssertEqual(result.ok, true, result.message ?? "")
        XCTAssertEqual(harness.service.persistence, AuthPersistencePreset.legacyIIS4.flags)
        command.mode = "sometimes"
        let refused = try await client.send(command)
        XCTAssertEqual(refused.ok, false)
        XCTAssertTrue(refused.message?.contains("unknown authentication mode sometimes") ?? false, refused.message ?? "")
    }

    func testAnEditIsSavedAndAppliedButAStaleOneComesBackAsAConflict() async throws {
        let (harness, _, client) = try await start()
        let base = try ConfigStore(home: harness.home).load()
        var edited = base
        edited.accounts.append(AccountEntry(name: "zoe"))
        var apply = AdminMessage(.apply)
        apply.config = edited
        apply.base = base
        let saved = try await client.send(apply)
        XCTAssertEqual(saved.ok, true, saved.message ?? "")
        XCTAssertEqual(saved.generation, 2)
        XCTAssertTrue(harness.service.configuration.current.document.accounts.contains { $0.name == "zoe" })
        XCTAssertTrue(try ConfigStore(home: harness.home).load().accounts.contains { $0.name == "zoe" }, "written to config.json")
        // The same edit again from the old base: someone (the edit above) changed the file since.
        var stale = base
        stale.accounts.append(AccountEntry(name: "yan"))
        apply.config = stale
        let conflict = try await client.send(apply)
        XCTAssertEqual(conflict.ok, false)
        XCTAssertEqual(conflict.theirs?.accounts.contains { $0.name == "zoe" }, true)
        XCTAssertFalse(conflict.changes?.isEmpty ?? true)
        XCTAssertFalse(try ConfigStore(home: harness.home).load().accounts.contains { $0.name == "yan" }, "nothing written on a conflict")
    }

    func testAnotherProtocolVersionIsNamedAndASecondServerMayNotTakeTheSocket() async throws {
        let (harness, admin, _) = try await start()
        XCTAssertThrowsError(try AdminMessage.parse(Data(#"{"certmapAdmin":2,"type":"hello"}"#.utf8))) { error in
            XCTAssertEqual("\(error)", "the other side speaks admin protocol 2 and this certmap speaks 1: use the same certmap version on both sides")
        }
        do {
            _ = try await AdminServer.start(service: harness.service, path: admin.address, listen: "x", group: harness.group)
            XCTFail("a running server's socket must not be taken over")
        } catch {
            XCTAssertTrue("\(error)".contains("another certmap serve answers on"), "\(error)")
        }
    }

    func testAScenarioIsRunByTheServerAndAnsweredWhenItEnds() async throws {
        let harness = try await ServerHarness.start(self)
        let path = harness.home.url.appendingPathComponent("scenario.sock").path
        let admin = try await AdminServer.start(
            service: harness.service, path: path, listen: "x", group: harness.group, scenarios: { name in "scenario \(name): ran on the server" })
        let client = try await AdminClient.connect(path: path, group: harness.group)
        addTeardownBlock {
            await client.close()
            await admin.stop()
        }
        var command = AdminMessage(.scenario)
        command.scenario = "q190009"
        let result = try await client.send(command)
        XCTAssertEqual(result.ok, true)
        XCTAssertEqual(result.message, "scenario q190009: ran on the server")
        command.scenario = nil
        let nameless = try await client.send(command)
        XCTAssertEqual(nameless.ok, false)
        XCTAssertEqual(nameless.message, "scenario needs a name")
    }

    // MARK: TLS admin endpoint

    private func clientTLS(_ harness: ServerHarness, user: String?) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path))
        if let user {
            let (certificate, key) = harness.credential(user)
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    func testOverTLSOnlyACertificateMappedToAnAdminsAccountIsAdmitted() async throws {
        let harness = try await ServerHarness.start(self)
        let admin = try await AdminServer.start(
            service: harness.service, address: ListenAddress(host: "127.0.0.1", port: 0), listen: harness.server.boundAddress.description, group: harness.group)
        addTeardownBlock { await admin.stop() }
        let address = try ListenAddress(parsing: admin.address)
        // alice's account is in the demo configuration's admins group.
        let alice = try await AdminClient.connect(to: .tls(address, try clientTLS(harness, user: "alice")), group: harness.group)
        XCTAssertEqual(alice.hello.instance, harness.service.run)
        await alice.close()
        for (user, says) in [("bob", "maps to sales, which is not in the admins group"), ("erin", "gets 401.2"), ("impostor", "gets 403.16"), (nil, "needs a client certificate")] as [(String?, String)] {
            do {
                let client = try await AdminClient.connect(to: .tls(address, try clientTLS(harness, user: user)), group: harness.group)
                await client.close()
                XCTFail("\(user ?? "no certificate") must not be admitted")
            } catch {
                XCTAssertTrue("\(error)".contains("not admitted") && "\(error)".contains(says), "\(user ?? "no certificate"): \(error)")
            }
        }
        let refusals = harness.service.events.recent().filter { if case .security(let event) = $0.kind { event.message.hasPrefix("admin endpoint: not admitted") } else { false } }
        XCTAssertEqual(refusals.count, 4, "every refusal is a security event")
    }
}
