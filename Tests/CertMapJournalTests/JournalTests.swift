import CertMapCore
@testable import CertMapJournal
import Foundation
import XCTest

/// The journal: zstd segments of JSON lines (gzip and plain ones of older versions read), order, rotation, retention by size and age, one
/// history across runs, self-contained segments, and surviving torn and corrupt data.
final class JournalTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-journal-\(UUID().uuidString)")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func events(_ count: Int, padding: Int = 0) -> [CertMapEvent] {
        (1...count).map { CertMapEvent(sequence: UInt64($0), time: Date(timeIntervalSince1970: 1_790_000_000 + Double($0) + 0.125), kind: .system(SystemEvent("event \($0) " + String(repeating: "x", count: padding)))) }
    }

    private func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix("journal-") }.sorted()
    }

    private func write(_ events: [CertMapEvent], settings: JournalSettings? = nil, flushEach: Bool = true) throws {
        let writer = try JournalWriter(settings: settings ?? JournalSettings(directory: directory))
        for event in events {
            try writer.append(event)
            if flushEach { try writer.flush() }
        }
        try writer.close()
    }

    func testEventsRoundTripInOrderAcrossRotatedSegments() throws {
        try write(events(60, padding: 40), settings: JournalSettings(directory: directory, maxSegmentBytes: 400))
        XCTAssertGreaterThan(files().count, 2, "a small segment size must rotate")
        XCTAssertTrue(files().allSatisfy { $0.hasSuffix(".jsonl.zst") }, "\(files())")
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), Array(1...60))
        XCTAssertEqual(result.events, events(60, padding: 40))
        XCTAssertEqual(result.warnings, [])
    }

    func testSegmentsAreZstdFilesThatStandardToolsRead() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zstdcat") else { throw XCTSkip("zstd is not installed (apt-get install zstd)") }
        try write(events(3))
        let zcat = Process()
        zcat.executableURL = URL(fileURLWithPath: "/usr/bin/zstdcat")
        zcat.arguments = [directory.appendingPathComponent(files()[0]).path]
        let output = Pipe()
        zcat.standardOutput = output
        try zcat.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        zcat.waitUntilExit()
        XCTAssertEqual(zcat.terminationStatus, 0)
        XCTAssertEqual(text.split(separator: "\n").count, 3, text)
        XCTAssertTrue(text.contains(#""message":"event 1 ""#), text)
    }

    func testOldestSegmentsArePrunedBeyondTheTotalSize() throws {
        try write(events(200, padding: 300), settings: JournalSettings(directory: directory, maxSegmentBytes: 600, maxTotalBytes: 2_000))
        let sizes = try files().map { try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($0).path)[.size] as? Int ?? 0 }
        XCTAssertLessThanOrEqual(sizes.reduce(0, +), 2_000 + 1_000, "the total stays near the limit (the segment being written may exceed it by one flush)")
        let sequences = try JournalReader.read(directory).events.map(\.sequence)
        XCTAssertEqual(sequences.last, 200)
        XCTAssertGreaterThan(sequences.first ?? 0, 1, "the oldest were pruned")
        XCTAssertEqual(sequences, Array(sequences.first!...200), "what is kept is the newest, contiguous")
    }

    func testSegmentsOlderThanTheMaximumAgeArePrunedWhenANewOneStarts() throws {
        try write(events(3), settings: JournalSettings(directory: directory, maxSegmentBytes: 1))
        XCTAssertEqual(files().count, 3)
        let old = directory.appendingPathComponent(files()[0])
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-40 * 86_400)], ofItemAtPath: old.path)
        try write(events(1), settings: JournalSettings(directory: directory, maxSegmentBytes: 1, maxAge: 30 * 86_400))
        XCTAssertFalse(files().contains(old.lastPathComponent), "a 40-day-old segment is pruned under a 30-day limit: \(files())")
        XCTAssertEqual(files().count, 3)
    }

    func testATornLastFrameKeepsEverythingWrittenBeforeIt() throws {
        try write(events(5))
        let file = directory.appendingPathComponent(files()[0])
        var data = try Data(contentsOf: file)
        data.removeLast(30)
        try data.write(to: file)
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(result.warnings.first, "\(file.lastPathComponent): the last block is torn or corrupt (the process probably stopped mid-write); read what came before it")
    }

    func testPlainSegmentsOfOlderVersionsAreStillReadWithTornAndCorruptLinesSkipped() throws {
        let encoder = EventJSON.encoder()
        var lines = try events(5).map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        lines[2] = "{\"sequence\": 3, \"type\": \"sys"
        lines[4] = String(lines[4].prefix(20))
        let legacy = directory.appendingPathComponent("journal-000001.jsonl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(to: legacy, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: legacy)
        try write([CertMapEvent(sequence: 6, time: Date(), kind: .system(SystemEvent("after the upgrade")))])
        XCTAssertEqual(files(), ["journal-000001.jsonl", "journal-000002.jsonl.zst"], "a plain file is never appended to")
        XCTAssertEqual(try Data(contentsOf: legacy), before)
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), [1, 2, 4, 6])
        XCTAssertEqual(result.warnings, [
            "journal-000001.jsonl:3: skipped a corrupt line",
            "journal-000001.jsonl:5: skipped a torn last line (the process probably stopped mid-write)",
        ])
    }

    func testGzipSegmentsOfTheVersionBeforeAreReadInOrderAndNeverAppendedTo() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = EventJSON.encoder()
        let old = try events(4).map { try encoder.encode($0) + Data([0x0A]) }
        // As the previous version wrote them: one gzip member per flush.
        let legacy = directory.appendingPathComponent("journal-000001.jsonl.gz")
        try (try Gzip.member(old[0] + old[1]) + (try Gzip.member(old[2] + old[3]))).write(to: legacy)
        let before = try Data(contentsOf: legacy)
        try write([CertMapEvent(sequence: 5, time: Date(), kind: .system(SystemEvent("after the upgrade")))])
        XCTAssertEqual(files(), ["journal-000001.jsonl.gz", "journal-000002.jsonl.zst"])
        XCTAssertEqual(try Data(contentsOf: legacy), before)
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(result.warnings, [])
    }

    func testAFrameWithABadChecksumIsNotReadAsEvents() throws {
        try write(events(3))
        let file = directory.appendingPathComponent(files()[0])
        var data = try Data(contentsOf: file)
        // The last frame's checksum is its last four bytes.
        data[data.count - 2] ^= 0xFF
        try data.write(to: file)
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), [1, 2], "a damaged frame yields no events, never altered ones")
        XCTAssertEqual(result.warnings.count, 1)
    }

    func testANewProcessContinuesTheNewestSegmentAndNeverRewritesWhatIsThere() throws {
        try write(events(3))
        let before = try Data(contentsOf: directory.appendingPathComponent(files()[0]))
        for run in 1...10 {
            try write([CertMapEvent(sequence: UInt64(run), time: Date(), kind: .system(SystemEvent("run \(run)")))])
        }
        XCTAssertEqual(files(), ["journal-000001.jsonl.zst"], "ten short runs share one segment; nothing earlier is pushed out")
        let after = try Data(contentsOf: directory.appendingPathComponent(files()[0]))
        XCTAssertEqual(after.prefix(before.count), before, "earlier history is only ever appended to")
        XCTAssertEqual(try JournalReader.read(directory).events.count, 13)
    }

    func testEverySegmentCarriesTheCertificateItsRequestsReference() throws {
        let pki = directory.appendingPathComponent("pki")
        _ = try DemoPKI.initialize(in: pki, now: Date())
        let alice = try CertificateLoader.certificates(at: pki.appendingPathComponent("alice.crt"))[0]
        let certificate = CertMapEvent(sequence: 1, time: Date(), kind: .certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString())))
        let request = { (sequence: UInt64) -> CertMapEvent in
            let decision = Decision(reason: .allowed, account: "alice", mapping: nil, trace: DecisionTrace(), generation: 1)
            let record = RequestRecord(
                traceID: "t-\(sequence)", connection: 1, request: Int(sequence), method: "GET", path: "/", peer: "127.0.0.1:5000", route: "direct",
                proxied: false, mode: "per-request", certificateSource: "tls", certificate: CertificateSummary(alice), decision: decision, durationMicros: 10)
            return CertMapEvent(sequence: sequence, time: Date(), kind: .request(record))
        }
        let journal = directory.appendingPathComponent("journal")
        try write([certificate, request(2), request(3), request(4)], settings: JournalSettings(directory: journal, maxSegmentBytes: 1))
        let segments = try FileManager.default.contentsOfDirectory(at: journal, includingPropertiesForKeys: nil).sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertEqual(segments.count, 4, "one segment per flush at this size")
        // Prune by hand the first two segments (the certificate's original record and request 2).
        for segment in segments.prefix(2) { try FileManager.default.removeItem(at: segment) }
        let left = try JournalReader.read(journal).events
        XCTAssertEqual(left.compactMap { if case .certificate(let record) = $0.kind { record.sha256 } else { nil } }, [alice.sha256.colonHex, alice.sha256.colonHex])
        XCTAssertEqual(left.filter { if case .request = $0.kind { true } else { false } }.count, 2)
    }

    func testRecorderWritesEverythingPublishedBeforeTheBusFinishes() async throws {
        let bus = EventBus()
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, flushInterval: .milliseconds(50)))
        let recorder = JournalRecorder.start(bus: bus, writer: writer)
        for index in 1...500 { bus.publish(.system(SystemEvent("event \(index)"))) }
        bus.finish()
        await recorder.value
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.count, 500)
        XCTAssertEqual(result.events.map(\.sequence), Array(1...500))
        let mode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(files()[0]).path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testMissingJournalIsAClearError() {
        XCTAssertThrowsError(try JournalReader.read(directory.appendingPathComponent("nope"))) { error in
            XCTAssertTrue("\(error)".hasSuffix("nope: no such journal file or directory"), "\(error)")
        }
    }
}
