import CertMapJournal
import CertMapTestSupport
import Foundation
import XCTest

/// The journal on a real filesystem that fills up: a small tmpfs mounted for the test. Writing
/// fails, serving goes on, the recorder says so once; once space is freed it resumes by itself,
/// says how many events it could not record, and everything written before stays readable.
final class JournalFullDiskTests: XCTestCase {
    private var mountPoint: URL!

    override func setUpWithError() throws {
        mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=192k", "tmpfs", mountPoint.path])
        try XCTSkipIf(mount != 0, "cannot mount a tmpfs here (needs root); the full-disk test runs in CI")
    }

    override func tearDownWithError() throws {
        _ = try? Self.run("/bin/umount", [mountPoint.path])
        try? FileManager.default.removeItem(at: mountPoint)
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A line that does not compress much, so the disk fills in a few flushes.
    private func noisy(_ label: String) -> CertMapEvent.Kind {
        .system(SystemEvent(label + " " + (0..<64).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()))
    }

    private func messages(_ bus: EventBus) -> [String] {
        bus.recent().compactMap { if case .system(let system) = $0.kind { system.message } else { nil } }
    }

    func testAFullDiskPausesTheJournalWhichResumesByItselfWhenSpaceReturns() async throws {
        let directory = mountPoint.appendingPathComponent("journal")
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, flushInterval: .milliseconds(20)))
        let bus = EventBus()
        let recording = JournalRecorder.start(bus: bus, writer: writer)
        for number in 0..<5 { bus.publish(noisy("before-\(number)")) }
        let wroteBefore = await eventually { writer.bytesWritten > 0 }
        XCTAssertTrue(wroteBefore)

        // Fill what is left of the filesystem.
        let filler = mountPoint.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        let block = Data(repeating: 0x5A, count: 4096)
        while (try? handle.write(contentsOf: block)) != nil {}
        try? handle.close()

        // Keep publishing until the journal cannot write, and past its hold-back bound.
        var number = 0
        let failed = await eventually(within: 20) {
            for _ in 0..<200 { bus.publish(noisy("during-\(number)")); number += 1 }
            return writer.unrecordedEvents > 0
        }
        XCTAssertTrue(failed, "the journal never reported a write failure: \(messages(bus).suffix(3))")
        XCTAssertEqual(messages(bus).filter { $0.hasPrefix("warning: journal cannot write") }.count, 1, "one warning per outage")
        XCTAssertTrue(messages(bus).contains { $0.contains("No space left on device") }, "\(messages(bus).suffix(3))")

        try FileManager.default.removeItem(at: filler)
        let resumed = await eventually(within: 10) {
            bus.publish(noisy("after"))
            return messages(bus).contains { $0.hasPrefix("journal resumed: ") }
        }
        XCTAssertTrue(resumed, "\(messages(bus).suffix(3))")
        bus.publish(noisy("last"))
        bus.finish()
        await recording.value

        let read = try JournalReader.read(directory)
        XCTAssertEqual(read.warnings, [], "everything written before the disk filled is intact")
        let lines = read.events.compactMap { if case .system(let system) = $0.kind { system.message } else { nil } }
        for number in 0..<5 { XCTAssertTrue(lines.contains { $0.hasPrefix("before-\(number) ") }, "before-\(number) lost") }
        XCTAssertTrue(lines.contains { $0.hasPrefix("last ") })
        let gap = try XCTUnwrap(lines.compactMap(JournalGap.init(message:)).first)
        XCTAssertEqual(gap.events, writer.unrecordedEvents)
        let diagnosis = JournalDiagnosis(events: read.events)
        XCTAssertTrue(diagnosis.notes.first?.hasPrefix("the journal misses \(gap.events) event(s) from ") == true, "\(diagnosis.notes)")
    }
}
