import ArgumentParser
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation

/// `certmap bench journal`: a day of traffic read back. Writes a journal of `--requests`
/// keep-alive requests decided by the server's own pipeline (three alice connections allowed for
/// every erin connection refused 401.2, as issue 34 measured), then times `certmap diagnose` and
/// `certmap replay --dry-run` over it as child processes (wall time, peak memory), against a
/// ten-line Python script that parses every line with `json.loads` in the same run.
struct JournalBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Write a journal of N requests and time diagnose and replay --dry-run over it, against Python's json.loads."
    )

    @Option(name: .long, help: "Requests in the journal (at least 1000).")
    var requests: Int = 200_000

    @Option(name: .long, help: "Rounds of each reader; the best is reported.")
    var rounds: Int = 3

    @Option(name: .long, help: "Keep the journal in this directory instead of a temporary one.")
    var keep: String?

    @Option(name: .long, help: "The readers to time, comma-separated: diagnose, replay, python (default: all three).")
    var readers: String = "diagnose,replay,python"

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    private static let knownReaders = ["diagnose", "replay", "python"]

    private var chosen: [String] { readers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func validate() throws {
        guard requests >= 1_000 else { throw ValidationError("--requests must be at least 1000") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
        for reader in chosen where !Self.knownReaders.contains(reader) {
            throw ValidationError("--readers: \"\(reader)\" is not one of \(Self.knownReaders.joined(separator: ", "))")
        }
    }

    /// What one reader measured, for `--json`.
    private struct Measured: Codable {
        let reader: String
        let seconds: Double
        let requestsPerSecond: Double
        let peakMiB: Double?
    }

    /// The whole result, for `--json`.
    private struct Report: Codable {
        let requests: Int
        let jsonBytesPerRequest: Double
        let fullFormBytesPerRequest: Double
        let diskBytesPerRequest: Double
        let writeMicrosPerRequest: Double
        let readers: [Measured]
    }

    func run() async throws {
        let work = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("certmap-bench-journal-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: work) } }
        let home = DataHome(url: work.appendingPathComponent("home"))
        _ = try HomeBootstrap.prepare(home, now: Date())
        let journal = work.appendingPathComponent("journal")
        try? FileManager.default.removeItem(at: journal)
        FileHandle.standardError.write(Data("bench: writing \(requests) requests …\n".utf8))
        let written = try await Self.writeJournal(requests: requests, home: home, to: journal)

        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var measured: [Measured] = []
        let commands: [(String, String, [String])] = [
            ("diagnose", "certmap diagnose", [executable, "diagnose", "--journal", journal.path, "--home", home.url.path]),
            ("replay", "certmap replay --dry-run", [executable, "replay", "--dry-run", "--journal", journal.path, "--home", home.url.path, "--json"]),
        ]
        for (key, name, arguments) in commands where chosen.contains(key) {
            FileHandle.standardError.write(Data("bench: \(name) …\n".utf8))
            let run = try best { try ChildMeasurement.run(arguments) }
            if run.status > 1 { throw CommandFailure("\(name) exited \(run.status); run it by hand: \(arguments.joined(separator: " "))") }
            measured.append(Measured(reader: name, seconds: run.seconds, requestsPerSecond: Double(requests) / run.seconds, peakMiB: run.peakMiB))
        }
        var python: ChildMeasurement?
        if chosen.contains("python") {
            FileHandle.standardError.write(Data("bench: python3 …\n".utf8))
            python = try best { try ChildMeasurement.run(["/bin/sh", "-c", Self.pythonBaseline(journal)]) }
            if let run = python, run.status != 0 { python = nil }
        }
        if let python {
            measured.append(Measured(reader: "python3 json.loads per line", seconds: python.seconds, requestsPerSecond: Double(requests) / python.seconds, peakMiB: nil))
        }
        let report = Report(
            requests: requests, jsonBytesPerRequest: Double(written.textBytes) / Double(requests), fullFormBytesPerRequest: Double(written.fullBytes) / Double(requests),
            diskBytesPerRequest: Double(written.diskBytes) / Double(requests), writeMicrosPerRequest: written.microsPerRequest, readers: measured)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        var rows = [["reader", "time", "requests/s", "peak memory", "× python"]]
        for reader in measured {
            rows.append([
                reader.reader, String(format: "%.2f s", reader.seconds), String(format: "%.0f", reader.requestsPerSecond),
                reader.peakMiB.map { String(format: "%.0f MiB", $0) } ?? "-", python.map { String(format: "%.1f×", $0.seconds / reader.seconds) } ?? "-",
            ])
        }
        print(TextTable.render(rows))
        print("")
        print(String(
            format: "journal: %d requests, %.0f bytes of JSON per request (%.0f in the full form), %.0f bytes per request on disk; written at %.1f µs per request (pipeline, encoder, zstd)",
            requests, report.jsonBytesPerRequest, report.fullFormBytesPerRequest, report.diskBytesPerRequest, written.microsPerRequest))
        if chosen.contains("python") && python == nil { print("note: python3 or zstdcat missing: no baseline") }
        #if DEBUG
        print("note: this is a debug build; record numbers from `swift run -c release certmap bench journal`")
        #endif
    }

    private func best(_ measure: () throws -> ChildMeasurement) throws -> ChildMeasurement {
        var best: ChildMeasurement?
        for _ in 0..<rounds {
            let measured = try measure()
            if measured.seconds < best?.seconds ?? .infinity { best = measured }
        }
        return best!
    }

    /// The issue's baseline: every line through `json.loads`, decisions counted.
    private static func pythonBaseline(_ journal: URL) -> String {
        let script = "import sys,json,collections\nc=collections.Counter()\nfor l in sys.stdin:\n e=json.loads(l)\n if e['type']=='request': c[e['request']['decision']['reason']]+=1\nprint(c)"
        return "command -v python3 >/dev/null && command -v zstdcat >/dev/null || exit 3; zstdcat '\(journal.path)'/*.zst | python3 -c \"\(script)\""
    }

    private struct Written {
        var textBytes = 0
        var fullBytes = 0
        var diskBytes = 0
        var microsPerRequest = 0.0
    }

    /// Keep-alive connections of 100 requests, three alice connections for every erin one.
    private static func writeJournal(requests: Int, home: DataHome, to journal: URL) async throws -> Written {
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        let users = try ["alice", "erin"].map { try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("\($0).crt"))[0] }
        var checks: [CertificateCheck] = []
        for user in users { checks.append(await validator.check(user, presentedChain: [user], at: Date())) }
        var pipeline = OfflineRequestPipeline(snapshot: snapshot, home: home, persistence: AuthPersistencePreset.perRequest.flags, run: "r0bench01")
        let writer = try JournalWriter(settings: JournalSettings(directory: journal))
        var full = EventJSONWriter()
        var written = Written()
        let paths = ["/", "/reports", "/img/logo.png", "/img/1.png", "/api/orders?page=2"]
        let start = ContinuousClock.now
        var time = Date().addingTimeInterval(-3600)
        var sequence: UInt64 = 0
        for index in 0..<requests {
            let connection = ConnectionID(index / 100 + 1)
            let user = connection % 4 == 0 ? 1 : 0
            let peer = "127.0.0.1:\(40_000 + Int(connection % 20_000))"
            guard let record = pipeline.request(on: connection, peer: peer, presenting: users[user], path: paths[index % paths.count], check: checks[user], durationMicros: 30 + index % 50)
            else { continue }
            if index % 100 == 99 { pipeline.close(connection) }
            sequence += 1
            time += 0.000_045
            let event = CertMapEvent(sequence: sequence, time: time, kind: .request(record))
            try writer.append(event)
            written.fullBytes += try full.line(event).count
            if index % 4_096 == 0 { try writer.flush() }
        }
        try writer.close()
        let elapsed = ContinuousClock.now - start
        written.microsPerRequest = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(requests)
        written.diskBytes = Int(writer.bytesWritten)
        written.textBytes = try JournalReader.textBytes(journal)
        return written
    }
}
