import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation
import XCTest

@testable import certmap

/// The console's dry run (`D` on the mappings screen) compares the draft with the saved
/// configuration under the same mode: with no edits nothing changes, even when the requests were
/// recorded under another mode; what the mode alone changes is counted apart.
final class MappingDryRunTests: XCTestCase {
    func testADryRunWithoutEditsReportsNoChangeAndCountsModeEffectsApart() async throws {
        let home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-dryrun-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: home.url) }
        _ = try HomeBootstrap.prepare(home, now: Date())
        let document = try ConfigStore(home: home).load()
        let events = EventBus()
        let service = AuthenticationService(
            configuration: LiveConfiguration(try ConfigSnapshot(document: document, generation: 1)), home: home, events: events,
            persistence: AuthPersistencePreset.perRequest.flags)
        let alice = try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
        events.publish(.certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString())))
        // Two requests on one proxied connection recorded under legacy-iis4: the second got 401.2.
        for (index, decision) in [(1, Decision(reason: .allowed, account: "alice", mapping: "one-to-one", trace: DecisionTrace(), generation: 1)),
                                  (2, Decision(reason: .legacyResetWithoutRemap, account: nil, mapping: nil, trace: DecisionTrace(), generation: 1))] {
            events.publish(.request(RequestRecord(
                traceID: "t-\(index)", connection: 1, request: index, method: "GET", path: "/", peer: "127.0.0.2:5000", route: "forward", proxied: true,
                mode: "legacy-iis4", certificateSource: index == 1 ? "tls" : "none", certificate: CertificateSummary(alice), decision: decision, durationMicros: 5)))
        }
        let application = ConsoleApplication(service: service, traffic: nil, scenarios: nil)
        let answer = await application.perform(.dryRunMappings(document))
        guard case .dryRunFinished(let dryRun)? = answer.first else { return XCTFail("\(answer)") }
        XCTAssertEqual(dryRun.changes, [], "no edits, no changes")
        XCTAssertEqual(dryRun.modeEffects, 1, "the 401.2 recorded under legacy-iis4 is 200 under per-request, with or without edits")

        var edited = document
        edited.oneToOne.removeAll()
        edited.manyToOne.removeAll()
        let answerEdited = await application.perform(.dryRunMappings(edited))
        guard case .dryRunFinished(let withEdits)? = answerEdited.first else { return XCTFail("\(answerEdited)") }
        XCTAssertEqual(withEdits.changes.map(\.was), ["200 alice", "200 alice"])
        XCTAssertEqual(withEdits.changes.map(\.now), ["401.2", "401.2"])
    }
}
