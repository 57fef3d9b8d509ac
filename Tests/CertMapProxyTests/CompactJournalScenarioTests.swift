import CertMapCore
import CertMapJournal
import CertMapProxy
import Foundation
import XCTest

/// Every built-in scenario, under every persistence mode, against the real server and proxies:
/// the events the server published, written to the journal in its compact form and read back,
/// are the events a full-form journal holds — line for line — and give the same diagnosis, the
/// same dry-run replay and the same HAR.
final class CompactJournalScenarioTests: XCTestCase {
    func testEveryBuiltInScenarioInEveryModeReadsBackFromTheCompactJournalAsFromTheFullOne() async throws {
        for scenario in BuiltinScenarios.all {
            for mode in AuthPersistencePreset.allCases {
                try await check(scenario, mode: mode)
            }
        }
    }

    private func check(_ definition: ScenarioDefinition, mode: AuthPersistencePreset) async throws {
        let label = "\(definition.name) under \(mode.rawValue)"
        var scenario = definition
        scenario.maxRequests = min(scenario.maxRequests, 200)
        scenario.ratePerSecond = nil
        for index in scenario.groups.indices { scenario.groups[index].thinkTimeMilliseconds = 0 }
        let harness = try await ProxyHarness.start(self, mode: mode, poolSize: scenario.poolSize ?? 4, reuse: scenario.reuse ?? .safe)
        let users = scenario.loadUsers > 0 ? try LoadUsers.prepare(count: scenario.loadUsers, home: harness.home) : nil
        if let users { try harness.server.service.apply(try users.mapped(into: harness.server.service.configuration.current.document)) }
        let runner = ScenarioRunner(
            client: harness.client(), pki: harness.home.pkiDirectory, loadUsers: users,
            expected: ExpectedAccounts(configuration: harness.server.service.configuration, home: harness.home))
        _ = try await runner.run(scenario, mode: mode.rawValue)
        let published = harness.events.recent()
        XCTAssertGreaterThan(published.filter { if case .request = $0.kind { true } else { false } }.count, 0, label)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-scenario-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let compactDirectory = directory.appendingPathComponent("compact")
        let writer = try JournalWriter(settings: JournalSettings(directory: compactDirectory))
        for event in published { try writer.append(event) }
        try writer.close()
        var full = EventJSONWriter()
        let fullFile = directory.appendingPathComponent("journal-000001.jsonl")
        try Data(try published.map { try full.line($0) }.joined()).write(to: fullFile)

        let compact = try JournalReader.read(compactDirectory)
        let spelledOut = try JournalReader.read(fullFile)
        XCTAssertEqual(compact.warnings, [], label)
        XCTAssertEqual(try lines(compact.events), try lines(spelledOut.events), label)
        XCTAssertEqual(compact.events, spelledOut.events, label)
        let compactBytes = try FileManager.default.contentsOfDirectory(at: compactDirectory, includingPropertiesForKeys: nil).map { try Data(contentsOf: $0).count }.reduce(0, +)
        XCTAssertLessThan(compactBytes, try Data(contentsOf: fullFile).count / 4, "\(label): compressed compact journal against the plain full one")

        XCTAssertEqual(JournalDiagnosis(events: compact.events), JournalDiagnosis(events: spelledOut.events), label)
        let compactSession = ReplaySession.selectWithTimes(from: compact.events, where: SessionSelector())
        let fullSession = ReplaySession.selectWithTimes(from: spelledOut.events, where: SessionSelector())
        XCTAssertEqual(
            try HARWriter.data(from: compactSession.session, times: compactSession.times), try HARWriter.data(from: fullSession.session, times: fullSession.times), label)
        let snapshot = harness.server.service.configuration.current
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: harness.home)
        let replayer = DryRunReplayer(engine: snapshot.engine, persistence: mode.flags, validator: validator)
        let compactReplay = await replayer.replay(compactSession.session)
        let fullReplay = await replayer.replay(fullSession.session)
        XCTAssertEqual(compactReplay.outcomes.map(\.diff), fullReplay.outcomes.map(\.diff), label)
        XCTAssertEqual(compactReplay.outcomes.count, compactSession.session.requests.count, label)
    }

    private func lines(_ events: [CertMapEvent]) throws -> [String] {
        var writer = EventJSONWriter()
        return try events.map { String(decoding: try writer.line($0), as: UTF8.self) }
    }
}
