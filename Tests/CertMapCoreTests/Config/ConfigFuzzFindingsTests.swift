import Foundation
import XCTest

@testable import CertMapCore

/// Configurations that loaded but crashed their consumer, found with the `config` fuzz target's
/// properties (Fuzz/RESULTS.md); each is now a validation error naming the field.
final class ConfigFuzzFindingsTests: XCTestCase {
    private func issues(_ json: String) -> [ConfigIssue] {
        do {
            _ = try ConfigCodec.decode(Data(json.utf8), file: "config.json")
            XCTFail("loaded: \(json)")
        } catch ConfigError.invalid(_, let issues) {
            return issues
        } catch {
            XCTFail("not a validation error: \(error)")
        }
        return []
    }

    /// The server passes `Int64(seconds * 1000)` to NIO, which trapped for 1e17 seconds.
    func testTimeoutTooLargeForTheServerIsAValidationErrorNotACrash() {
        XCTAssertEqual(
            issues(#"{"version": 1, "server": {"limits": {"headerReadTimeoutSeconds": 1e17, "idleTimeoutSeconds": 1e300}}}"#).map(\.description),
            [
                "server.limits.headerReadTimeoutSeconds: must be at most 1000000000 (about 31 years)",
                "server.limits.idleTimeoutSeconds: must be at most 1000000000 (about 31 years)",
            ]
        )
        var document = ConfigDocument()
        document.server.limits.idleTimeoutSeconds = 1_000_000_000
        XCTAssertEqual(ConfigValidator.validate(document), [], "the largest accepted timeout")
    }

    /// The journal writer is given `segmentMegabytes * 1024 * 1024` bytes, which overflowed Int.
    func testJournalSizeTooLargeToCountInBytesIsAValidationErrorNotACrash() {
        XCTAssertEqual(
            issues(#"{"version": 1, "journal": {"maxTotalMegabytes": 9007199254740993, "segmentMegabytes": 9007199254740992}}"#).map(\.description),
            ["journal.maxTotalMegabytes: must be at most 1073741824 (1 PiB)"]
        )
        var document = ConfigDocument()
        document.journal = JournalRetention(maxTotalMegabytes: 1 << 30, maxAgeDays: 30, segmentMegabytes: 1 << 30)
        XCTAssertEqual(ConfigValidator.validate(document), [], "the largest accepted size")
    }
}
