import Foundation
import XCTest

/// Ctrl-C while `diagnose` reads a long journal stops the reading and prints the diagnosis of
/// what was read, saying so — instead of dying with nothing printed.
final class DiagnoseInterruptionTests: XCTestCase {
    func testCtrlCPrintsTheDiagnosisOfWhatWasReadSoFarAndSaysSo() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-interrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let made = try CertMapProcess.execute(
            CertMapProcess.binary, ["bench", "journal", "--requests", "10000", "--rounds", "1", "--readers", "diagnose", "--keep", work.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        // Sixty copies of the segment: 600,000 requests, many seconds of reading in a debug build.
        let journal = work.appendingPathComponent("journal")
        let segment = journal.appendingPathComponent("journal-000001.jsonl.zst")
        for number in 2...60 {
            try FileManager.default.copyItem(at: segment, to: journal.appendingPathComponent("journal-" + String(format: "%06d", number) + ".jsonl.zst"))
        }
        let process = Process()
        process.executableURL = CertMapProcess.binary
        process.arguments = ["diagnose", "--journal", journal.path, "--home", work.appendingPathComponent("home").path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertTrue(process.isRunning, "the journal must take longer to read than the pause")
        process.interrupt()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("certmap: interrupted after reading "), stderr)
        XCTAssertTrue(stderr.contains(" % ("), "how much was read: \(stderr)")
        let first = try XCTUnwrap(stdout.split(separator: "\n").first, stdout)
        let requests = try XCTUnwrap(Int(first.split(separator: " ").dropFirst().first ?? ""), String(first))
        XCTAssertGreaterThan(requests, 0, String(first))
        XCTAssertLessThan(requests, 600_000, "only what was read is diagnosed: \(first)")
        XCTAssertTrue(stdout.contains("401.2"), "the refused requests read so far are diagnosed: \(stdout)")
    }
}
