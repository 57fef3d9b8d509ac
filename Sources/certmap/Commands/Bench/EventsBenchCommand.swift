import ArgumentParser
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation

/// `certmap bench events`: what writing one request's event costs, as the journal and
/// `--log-format json` write it (`EventJSONWriter`), against Foundation's `JSONEncoder` writing
/// the same bytes from the same records in the same run.
struct EventsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Cost of writing a request event as a JSON line: certmap's writer against JSONEncoder."
    )

    @Option(name: .long, help: "Events written per round (at least 1000).")
    var events: Int = 100_000

    @Option(name: .long, help: "Rounds, alternating the two writers; the best round of each is reported.")
    var rounds: Int = 3

    func validate() throws {
        guard events >= 1_000 else { throw ValidationError("--events must be at least 1000") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
    }

    func run() async throws {
        let sample = try await Self.sampleEvents()
        var writer = EventJSONWriter()
        var compact = JournalLineEncoder()
        let encoder = EventJSON.encoder()
        var best = (writer: Double.infinity, compact: Double.infinity, encoder: Double.infinity)
        var bytes = (full: 0, compact: 0)
        var line = Data()
        for round in 1...rounds {
            FileHandle.standardError.write(Data("bench: round \(round) of \(rounds) …\n".utf8))
            best.writer = min(best.writer, try Self.time(events) { index in
                bytes.full = try writer.line(sample[index % sample.count]).count
            })
            best.compact = min(best.compact, try Self.time(events) { index in
                line.removeAll(keepingCapacity: true)
                try compact.append(sample[index % sample.count], to: &line)
                bytes.compact = line.count
            })
            best.encoder = min(best.encoder, try Self.time(events) { index in
                _ = try encoder.encode(sample[index % sample.count]).count + 1
            })
        }
        print(TextTable.render([
            ["writer", "per event", "events/s", "vs JSONEncoder"],
            ["EventJSONWriter (full form: --log-format json, HAR)", String(format: "%.2f µs", best.writer), String(format: "%.0f", 1e6 / best.writer), String(format: "%.1f× faster", best.encoder / best.writer)],
            ["JournalLineEncoder (the journal's compact form)", String(format: "%.2f µs", best.compact), String(format: "%.0f", 1e6 / best.compact), String(format: "%.1f× faster", best.encoder / best.compact)],
            ["JSONEncoder", String(format: "%.2f µs", best.encoder), String(format: "%.0f", 1e6 / best.encoder), "1.0×"],
        ]))
        print("\nrequest event: \(bytes.full) bytes in full, \(bytes.compact) compact (alice's demo certificate decided by the server's pipeline, \(Self.steps(sample)) trace steps)")
        #if DEBUG
        print("note: this is a debug build; record numbers from `swift run -c release certmap bench events`")
        #endif
    }

    private static func steps(_ sample: [CertMapEvent]) -> Int {
        guard case .request(let record)? = sample.first?.kind else { return 0 }
        return record.decision.trace.steps.count
    }

    /// Microseconds per call of `body` over `count` calls.
    private static func time(_ count: Int, _ body: (Int) throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        for index in 0..<count { try body(index) }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1e6 / Double(count) + Double(elapsed.components.attoseconds) / 1e12 / Double(count)
    }

    /// Request events as the server publishes them for an allowed mapped request: alice's demo
    /// certificate on a keep-alive connection, decided by the server's own pipeline.
    private static func sampleEvents() async throws -> [CertMapEvent] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-bench-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = DataHome(url: directory)
        _ = try HomeBootstrap.prepare(home, now: Date())
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let alice = try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
        let check = await (try TrustConfiguration.validator(for: snapshot.document.trust, home: home)).check(alice, presentedChain: [alice], at: Date())
        var pipeline = OfflineRequestPipeline(snapshot: snapshot, home: home, persistence: AuthPersistencePreset.perRequest.flags, run: "r0badcafe")
        return (0..<64).compactMap { index in
            pipeline.request(on: 3, peer: "127.0.0.1:50312", presenting: alice, path: "/img/\(index).png", check: check, durationMicros: 12)
                .map { CertMapEvent(sequence: UInt64(index), time: Date(), kind: .request($0)) }
        }
    }
}
