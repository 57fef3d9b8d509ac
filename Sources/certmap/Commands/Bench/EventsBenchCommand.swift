import ArgumentParser
import CertMapCore
import CertMapJournal
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
        let sample = try Self.sampleEvents()
        var writer = EventJSONWriter()
        let encoder = EventJSON.encoder()
        var best = (writer: Double.infinity, encoder: Double.infinity)
        var bytes = 0
        for round in 1...rounds {
            FileHandle.standardError.write(Data("bench: round \(round) of \(rounds) …\n".utf8))
            best.writer = min(best.writer, try Self.time(events) { index in
                bytes = try writer.line(sample[index % sample.count]).count
            })
            best.encoder = min(best.encoder, try Self.time(events) { index in
                bytes = try encoder.encode(sample[index % sample.count]).count + 1
            })
        }
        print(TextTable.render([
            ["writer", "per event", "events/s", "vs JSONEncoder"],
            ["EventJSONWriter", String(format: "%.2f µs", best.writer), String(format: "%.0f", 1e6 / best.writer), String(format: "%.1f× faster", best.encoder / best.writer)],
            ["JSONEncoder", String(format: "%.2f µs", best.encoder), String(format: "%.0f", 1e6 / best.encoder), "1.0×"],
        ]))
        print("\nrequest event: \(bytes) bytes (a mapped client certificate, \(Self.steps) trace steps)")
        #if DEBUG
        print("note: this is a debug build; record numbers from `swift run -c release certmap bench events`")
        #endif
    }

    private static let steps = 6

    /// Microseconds per call of `body` over `count` calls.
    private static func time(_ count: Int, _ body: (Int) throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        for index in 0..<count { try body(index) }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1e6 / Double(count) + Double(elapsed.components.attoseconds) / 1e12 / Double(count)
    }

    /// Request events like the server's for an allowed mapped request: a demo certificate, a
    /// trace of the usual length, distinct trace ids and paths.
    private static func sampleEvents() throws -> [CertMapEvent] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-bench-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try DemoPKI.initialize(in: directory, now: Date())
        let alice = try CertificateLoader.certificates(at: directory.appendingPathComponent("alice.crt"))[0]
        return (0..<64).map { index in
            var trace = DecisionTrace()
            trace.record(.reset, .info, .text("request \(index) on connection 3: authentication context reset (per-request)"))
            trace.record(.source, .info, .text("direct connection (no proxy indication)"))
            trace.record(.source, .passed, .text("TLS peer certificate of this connection: \(alice.subject.rfc2253)"))
            trace.record(.validate, .passed, .text("certificate valid"), details: [TraceDetail(.passed, "chain: CN=alice → CN=CertMap Demo Issuing CA → CN=CertMap Demo Root CA (trusted anchor)")])
            trace.record(.map, .passed, .text("one-to-one mapping \"alice laptop\" → alice"))
            trace.record(.authorize, .passed, .text("alice may use / (resource \"/\": require)"))
            let decision = Decision(reason: .allowed, account: "alice", mapping: "one-to-one \"alice laptop\"", trace: trace, generation: 1)
            let record = RequestRecord(
                traceID: "t-\(String(index, radix: 16))", connection: 3, request: index, method: "GET", path: "/img/\(index).png", peer: "127.0.0.1:50312",
                route: "direct", proxied: false, mode: "per-request", certificateSource: "tls", certificate: CertificateSummary(alice), decision: decision,
                durationMicros: 12, run: "r0badcafe")
            return CertMapEvent(sequence: UInt64(index), time: Date(), kind: .request(record))
        }
    }
}
