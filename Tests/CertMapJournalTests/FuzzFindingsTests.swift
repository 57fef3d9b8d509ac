import CertMapCore
import CertMapJournal
import Foundation
import XCTest

/// Inputs found by `scripts/fuzz.sh` (Fuzz/RESULTS.md), kept as regressions: each crashed a
/// command before it was fixed.
final class FuzzFindingsTests: XCTestCase {
    /// Found by `scripts/fuzz.sh journal`: ICU's date parser, behind ISO8601DateFormatter, divided by
    /// zero (SIGFPE, which no `try` catches) on a fraction of a second this long, so one such line
    /// in a journal crashed `diagnose`, `replay` and `sessions`, and one such HAR entry `replay --har`.
    static let fiftyDigitFraction = "2026-12-04T19:49:29.4660000000000000000000000000000000000000000000000Z"

    func testJournalLineWithAFiftyDigitFractionOfASecondIsSkippedNotACrash() throws {
        let line = #"{"sequence":6,"system":{"message":"m"},"time":"\#(Self.fiftyDigitFraction)","type":"system"}"#
        XCTAssertThrowsError(try EventJSON.decoder().decode(CertMapEvent.self, from: Data(line.utf8)))

        let good = CertMapEvent(sequence: 7, time: Date(timeIntervalSince1970: 1_790_000_000), kind: .system(SystemEvent("after")))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-fuzz-finding-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try (Data(line.utf8) + [0x0A] + EventJSON.encoder().encode(good) + [0x0A]).write(to: file)
        let result = try JournalReader.read(file)
        XCTAssertEqual(result.events, [good])
        XCTAssertEqual(result.warnings, ["\(file.lastPathComponent):1: skipped a corrupt line"])
    }

    func testHARStartTimeWithAFiftyDigitFractionOfASecondIsLeftOutNotACrash() {
        let record = RequestRecord(
            traceID: "t-1", connection: 1, request: 1, method: "GET", path: "/", peer: "127.0.0.1:4000", route: "direct", proxied: false,
            mode: "per-request", certificateSource: "none", certificate: nil,
            decision: Decision(reason: .certificateRequired, account: nil, mapping: nil, trace: DecisionTrace(), generation: 1), durationMicros: 1
        )
        var document = HARConversion.document(from: ReplaySession(requests: [record], certificates: [:]), times: [:])
        document.log.entries[0].startedDateTime = Self.fiftyDigitFraction
        XCTAssertEqual(HARConversion.times(from: document), [:], "an unreadable time is left out")
        document.log.entries[0].startedDateTime = "2026-12-04T19:49:29.466Z"
        XCTAssertEqual(HARConversion.times(from: document).count, 1)
    }

    func testOnlyRFC3339ShapedTimesReachTheDateParser() {
        for valid in ["2026-11-25T03:00:00Z", "2026-11-25T03:00:00.123Z", "2026-11-25t03:00:00.123456789z", "2026-11-25T03:00:00-05:30"] {
            XCTAssertTrue(EventJSON.isRFC3339DateTime(valid), valid)
        }
        for invalid in [
            Self.fiftyDigitFraction, "2026-11-25T03:00:00.1234567890Z", "2026-11-25T03:00:00.Z", "2026-11-25T03:00:00", "2026-11-25 03:00:00Z",
            "2026-11-25T03:00:00+0100", "2026-11-25T03:00:00Z ", "20261-11-25T03:00:00Z", "", "٢٠٢٦-11-25T03:00:00Z",
        ] {
            XCTAssertFalse(EventJSON.isRFC3339DateTime(invalid), invalid)
        }
    }
}
