import CertMapJournal
import Foundation
import XCTest

/// The JSONL journal: order, rotation, bounded size, and surviving torn and corrupt lines.
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
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    func testEventsRoundTripInOrderAcrossRotatedFiles() throws {
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, maxFileBytes: 2_000, maxFiles: 100))
        for event in events(60, padding: 40) {
            try writer.append(event)
            try writer.flush()
        }
        try writer.close()
        XCTAssertGreaterThan(files().count, 2, "a small maxFileBytes must rotate")
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), Array(1...60))
        XCTAssertEqual(result.events, events(60, padding: 40))
        XCTAssertEqual(result.warnings, [])
    }

    func testOldestFilesAreDeletedBeyondMaxFiles() throws {
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, maxFileBytes: 500, maxFiles: 3))
        for event in events(100, padding: 100) {
            try writer.append(event)
            try writer.flush()
        }
        try writer.close()
        XCTAssertEqual(files().count, 3)
        let sequences = try JournalReader.read(directory).events.map(\.sequence)
        XCTAssertEqual(sequences.last, 100)
        XCTAssertEqual(sequences, Array(sequences.first!...100), "what is kept is the newest, contiguous")
    }

    func testTornLastLineAndCorruptMiddleLineAreSkippedWithWarnings() throws {
        let writer = try JournalWriter(settings: JournalSettings(directory: directory))
        for event in events(5) { try writer.append(event) }
        try writer.close()
        let file = directory.appendingPathComponent(files()[0])
        var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[2] = "{\"sequence\": 3, \"type\": \"sys"
        let torn = String(lines[4].prefix(20))
        lines[4] = torn
        try (lines.joined(separator: "\n")).write(to: file, atomically: true, encoding: .utf8)
        let result = try JournalReader.read(directory)
        XCTAssertEqual(result.events.map(\.sequence), [1, 2, 4])
        XCTAssertEqual(result.warnings, [
            "\(file.lastPathComponent):3: skipped a corrupt line",
            "\(file.lastPathComponent):5: skipped a torn last line (the process probably stopped mid-write)",
        ])
    }

    func testANewWriterContinuesAfterTheExistingFilesAndNeverRewritesThem() throws {
        let first = try JournalWriter(settings: JournalSettings(directory: directory))
        for event in events(3) { try first.append(event) }
        try first.close()
        let before = try Data(contentsOf: directory.appendingPathComponent(files()[0]))
        let second = try JournalWriter(settings: JournalSettings(directory: directory))
        try second.append(CertMapEvent(sequence: 1, time: Date(), kind: .system(SystemEvent("restarted"))))
        try second.close()
        XCTAssertEqual(files(), ["journal-000001.jsonl", "journal-000002.jsonl"])
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("journal-000001.jsonl")), before)
        XCTAssertEqual(try JournalReader.read(directory).events.count, 4)
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
