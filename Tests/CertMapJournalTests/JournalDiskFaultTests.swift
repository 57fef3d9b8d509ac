import CertMapJournal
import Foundation
import XCTest

/// The journal when the disk misbehaves: a clear error naming the file, everything written before
/// kept, and nothing buffered lost once the directory is usable again.
final class JournalDiskFaultTests: XCTestCase {
    private var root: URL!
    private var directory: URL { root.appendingPathComponent("journal") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-journal-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        chmod(directory.path, 0o700)
        try? FileManager.default.removeItem(at: root)
    }

    private func event(_ number: Int) -> CertMapEvent {
        CertMapEvent(sequence: UInt64(number), time: Date(timeIntervalSince1970: 1_790_000_000 + Double(number)), kind: .system(SystemEvent("event \(number) " + String(repeating: "x", count: 80))))
    }

    func testJournalDirectoryUnderARegularFileIsAClearError() throws {
        let blocker = root.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let directory = blocker.appendingPathComponent("journal")
        XCTAssertThrowsError(try JournalWriter(settings: JournalSettings(directory: directory))) { error in
            guard case .io(let file, let detail)? = error as? JournalError else { return XCTFail("not a JournalError: \(error)") }
            XCTAssertEqual(file, directory.path)
            XCTAssertTrue(detail.hasPrefix("cannot create the journal directory: "), detail)
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    /// The directory is swapped for a regular file between rotations (ENOTDIR, which works as root
    /// too): the flush fails naming the new file, earlier files stay intact, and once the directory
    /// is back the buffered events are written — none lost, none duplicated.
    func testRotationIntoAnUnusableDirectoryFailsClearlyAndLosesNothing() throws {
        // maxSegmentBytes 1: every flush starts a new segment, so the next one must open a file.
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, maxSegmentBytes: 1))
        for number in 1...4 {
            try writer.append(event(number))
            try writer.flush()
        }
        let moved = root.appendingPathComponent("journal-moved")
        try FileManager.default.moveItem(at: directory, to: moved)
        try Data("in the way".utf8).write(to: directory)

        try writer.append(event(5))
        XCTAssertThrowsError(try writer.flush()) { error in
            guard case .io(let file, let detail)? = error as? JournalError else { return XCTFail("not a JournalError: \(error)") }
            XCTAssertTrue(file.hasPrefix(directory.path + "/journal-"), file)
            XCTAssertEqual(detail, "cannot open for appending: Not a directory")
        }
        let kept = try JournalReader.read(moved)
        XCTAssertEqual(kept.events.map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(kept.warnings, [])

        try FileManager.default.removeItem(at: directory)
        try FileManager.default.moveItem(at: moved, to: directory)
        try writer.append(event(6))
        try writer.close()
        let all = try JournalReader.read(directory)
        XCTAssertEqual(all.events.map(\.sequence), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(all.warnings, [])
    }

    func testReadOnlyJournalDirectoryFailsClearlyAndKeepsWhatWasWritten() throws {
        try XCTSkipIf(geteuid() == 0, "root ignores directory permissions; testRotationIntoAnUnusableDirectoryFailsClearlyAndLosesNothing covers this with ENOTDIR")
        let writer = try JournalWriter(settings: JournalSettings(directory: directory, maxSegmentBytes: 1))
        for number in 1...4 {
            try writer.append(event(number))
            try writer.flush()
        }
        XCTAssertEqual(chmod(directory.path, 0o500), 0)
        try writer.append(event(5))
        XCTAssertThrowsError(try writer.flush()) { error in
            XCTAssertEqual((error as? JournalError).map { "\($0)" }?.hasSuffix("cannot open for appending: Permission denied"), true, "\(error)")
        }
        XCTAssertEqual(try JournalReader.read(directory).events.map(\.sequence), [1, 2, 3, 4])
    }
}
