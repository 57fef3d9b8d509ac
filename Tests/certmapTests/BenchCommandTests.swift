import Foundation
import XCTest

/// `certmap bench console` runs end to end and reports what it measured (the numbers themselves
/// are for docs/benchmarks.md, not asserted).
final class BenchCommandTests: XCTestCase {
    func testConsoleBenchReducesEveryEventAndReportsFrameTimes() throws {
        let result = try CertMapProcess.execute(CertMapProcess.binary, ["bench", "console", "--rate", "2000", "--seconds", "1", "--size", "80x24", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        let events = try XCTUnwrap(report["events"] as? Int)
        XCTAssertGreaterThan(events, 1000, "about 2000 events in a second")
        XCTAssertEqual(report["reduced"] as? Int, events, "at 2000 events/s the console reduces every one")
        XCTAssertEqual(report["dropped"] as? Int, 0)
        XCTAssertGreaterThan(report["frames"] as? Int ?? 0, 5)
        XCTAssertEqual((report["frameMilliseconds"] as? [Double])?.count, 3)
        XCTAssertTrue((report["statusBar"] as? String)?.contains("dropped 0") ?? false, "\(report)")
    }

    func testConsoleBenchRefusesASizeItCannotDraw() throws {
        let result = try CertMapProcess.execute(CertMapProcess.binary, ["bench", "console", "--size", "10x5"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--size \"10x5\""), result.stderr)
    }

    func testEventsBenchComparesBothWritersOnTheSameEvents() throws {
        let result = try CertMapProcess.execute(CertMapProcess.binary, ["bench", "events", "--events", "1000", "--rounds", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("EventJSONWriter") && $0.contains("µs") && $0.contains("× faster") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("JSONEncoder") && $0.hasSuffix("1.0×") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("JournalLineEncoder") && $0.contains("× faster") }, result.stdout)
        XCTAssertTrue(result.stdout.contains(" bytes in full, "), "the event's size in bytes, both forms: \(result.stdout)")
        let refused = try CertMapProcess.execute(CertMapProcess.binary, ["bench", "events", "--events", "5"])
        XCTAssertTrue(refused.stderr.contains("--events must be at least 1000"), refused.stderr)
    }

    func testDiagnoseReadsAJournalTenTimesLongerInTheSameMemory() throws {
        func diagnose(_ requests: Int) throws -> (peakMiB: Double, bytesPerRequest: Double) {
            let result = try CertMapProcess.execute(
                CertMapProcess.binary, ["bench", "journal", "--requests", "\(requests)", "--rounds", "1", "--readers", "diagnose", "--json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
            let readers = try XCTUnwrap(report["readers"] as? [[String: Any]])
            XCTAssertEqual(readers.map { $0["reader"] as? String }, ["certmap diagnose"])
            return (try XCTUnwrap(readers[0]["peakMiB"] as? Double), try XCTUnwrap(report["jsonBytesPerRequest"] as? Double))
        }
        let short = try diagnose(2_000)
        let long = try diagnose(20_000)
        // Holding every request (as diagnose once did) costs about 9 KB each: 160 MiB more here.
        // The margin is for the allocator's per-thread arenas on machines with many cores.
        XCTAssertLessThan(long.peakMiB - short.peakMiB, 32, "peak \(short.peakMiB) MiB at 2,000 requests, \(long.peakMiB) MiB at 20,000")
        XCTAssertLessThan(long.peakMiB, 160)
        XCTAssertLessThan(long.bytesPerRequest, 600, "the compact record")
    }

    func testJournalBenchRefusesAReaderItDoesNotKnow() throws {
        let refused = try CertMapProcess.execute(CertMapProcess.binary, ["bench", "journal", "--readers", "diagnose,grep"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--readers: \"grep\" is not one of diagnose, replay, python"), refused.stderr)
    }
}
