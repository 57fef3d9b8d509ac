import CertMapJournal
import CertMapTestSupport
import Foundation
import XCTest

/// Property tests for the journal reader: random corruption of random lines of a real journal,
/// from a seeded generator. Every intact line comes back as its event, in order; every line that
/// no longer decodes is one warning naming its file and line; nothing crashes and nothing throws.
final class JournalReaderFuzzTests: XCTestCase {
    private static let iterations = 300
    private var directory: URL!
    private var events: [CertMapEvent] = []
    private var lines: [[UInt8]] = []

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-journal-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        events = (1...40).map { number in
            CertMapEvent(sequence: UInt64(number), time: Date(timeIntervalSince1970: 1_790_000_000 + Double(number)),
                         kind: .system(SystemEvent("event \(number): \"quoted\", é, \\ backslash, { braces }")))
        }
        // The lines of a plain segment (the format before compression, still read).
        let encoder = EventJSON.encoder()
        lines = try events.map { Array(try encoder.encode($0)) }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Cuts, overwrites, inserts or replaces bytes of one line; never adds a newline.
    private func corrupt(_ line: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        let noise: UInt8 = [0x7B, 0x7D, 0x22, 0x5C, 0x3A, 0x2C, 0x00, 0xFF, 0xC3, 0x31, 0x20].randomElement(using: &generator)!
        var bytes = line
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            bytes = Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &generator)))
        case 1:
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = noise
        case 2:
            bytes.insert(noise, at: Int.random(in: 0...bytes.count, using: &generator))
        default:
            bytes = (0..<Int.random(in: 1...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }.map { $0 == 0x0A ? 0x20 : $0 }
        }
        return bytes
    }

    func testRandomCorruptionSkipsOnlyBrokenLinesAndKeepsEveryIntactOne() throws {
        var generator = SeededGenerator(seed: 0x10A7)
        let file = directory.appendingPathComponent("journal-fuzz.jsonl")
        var totals = (warnings: 0, survivedCorruption: 0)
        for iteration in 0..<Self.iterations {
            var corrupted = Set<Int>()
            var mutated = lines
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                let index = Int.random(in: 0..<lines.count, using: &generator)
                mutated[index] = corrupt(lines[index], using: &generator)
                if mutated[index] != lines[index] { corrupted.insert(index) }
            }
            let torn = Bool.random(using: &generator)
            var data = Data(mutated.joined(separator: [0x0A]))
            if !torn { data.append(0x0A) }
            try data.write(to: file)

            let result = try JournalReader.read(file)
            let what = "iteration \(iteration), corrupted lines \(corrupted.sorted().map { $0 + 1 })"
            let intact = events.indices.filter { !corrupted.contains($0) }.map { events[$0] }
            XCTAssertTrue(isSubsequence(intact, of: result.events), "an intact line was lost — \(what)")
            XCTAssertEqual(result.events.count + result.warnings.count, lines.count, what)
            for warning in result.warnings {
                let number = Int(warning.split(separator: ":")[1]) ?? 0
                XCTAssertTrue(warning.hasPrefix("journal-fuzz.jsonl:"), warning)
                XCTAssertTrue(corrupted.contains(number - 1), "warning for an intact line: \(warning) — \(what)")
                let last = number == lines.count && torn
                XCTAssertEqual(warning.hasSuffix("(the process probably stopped mid-write)"), last, "\(warning) — \(what)")
            }
            totals.warnings += result.warnings.count
            totals.survivedCorruption += corrupted.count - result.warnings.count
        }
        XCTAssertGreaterThan(totals.warnings, Self.iterations, "most corruptions must be detected: \(totals)")
    }

    func testAFileOfRandomBytesIsAllWarningsAndNoEvents() throws {
        var generator = SeededGenerator(seed: 0xBAD)
        let file = directory.appendingPathComponent("journal-random.jsonl")
        for _ in 0..<50 {
            let bytes = (0..<Int.random(in: 1...4000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try Data(bytes).write(to: file)
            let result = try JournalReader.read(file)
            XCTAssertEqual(result.events, [])
            XCTAssertEqual(result.warnings.count, bytes.split(separator: 0x0A).count)
        }
    }

    func testRandomDamageToACompressedSegmentKeepsEveryBlockBeforeTheDamage() throws {
        var generator = SeededGenerator(seed: 0x6217)
        let segments = directory.appendingPathComponent("segments")
        let writer = try JournalWriter(settings: JournalSettings(directory: segments))
        var boundaries: [UInt64] = []
        for event in events {
            try writer.append(event)
            try writer.flush()
            boundaries.append(writer.bytesWritten)
        }
        try writer.close()
        let file = try XCTUnwrap(FileManager.default.contentsOfDirectory(at: segments, includingPropertiesForKeys: nil).first)
        let original = try Data(contentsOf: file)
        for iteration in 0..<Self.iterations {
            var damaged = original
            let offset = Int.random(in: 0..<original.count, using: &generator)
            if Bool.random(using: &generator) {
                damaged = damaged.prefix(offset)
            } else {
                damaged[offset] ^= UInt8.random(in: 1...255, using: &generator)
            }
            try damaged.write(to: file)
            let result = try JournalReader.read(segments)
            // Every event whose member ends before the damaged byte survives, in order.
            let intact = boundaries.prefix { $0 <= UInt64(offset) }.count
            XCTAssertEqual(Array(result.events.prefix(intact)), Array(events.prefix(intact)), "iteration \(iteration), offset \(offset)")
            XCTAssertTrue(isSubsequence(result.events, of: events), "no event is invented — iteration \(iteration)")
            // A file cut exactly between two frames reads as a shorter, clean journal: nothing in
            // it can say more was written (the intact events are still checked above).
            let cutBetweenFrames = damaged.count < original.count && boundaries.contains(UInt64(offset))
            XCTAssertFalse(
                result.warnings.isEmpty && result.events.count < events.count && !cutBetweenFrames,
                "a loss is always a warning — iteration \(iteration), offset \(offset)")
        }
    }

    private func isSubsequence(_ needles: [CertMapEvent], of haystack: [CertMapEvent]) -> Bool {
        var iterator = haystack.makeIterator()
        return needles.allSatisfy { needle in
            while let next = iterator.next() {
                if next == needle { return true }
            }
            return false
        }
    }
}
