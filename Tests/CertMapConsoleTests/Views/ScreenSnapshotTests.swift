import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// Every screen at 80x24 and 120x40 from the fixed legacy-iis4 timeline, compared with the text
/// files in Snapshots/ (record with CERTMAP_RECORD_SNAPSHOTS=1).
final class ScreenSnapshotTests: XCTestCase {
    private typealias F = ConsoleFixtures
    private static let sizes = [(80, 24), (120, 40)]

    /// Renders the state each size produces after `keys`, and compares it with `<name>-WxH`.
    private func check(_ name: String, configured: Bool = false, keys: [Key] = [], file: StaticString = #filePath, line: UInt = #line) {
        for (width, height) in Self.sizes {
            var state = F.state(width: width, height: height)
            if configured { ConsoleReducer.apply(.configurationLoaded(F.configuration), to: &state) }
            F.press(keys, on: &state)
            assertSnapshot(ConsoleView.render(state), named: "\(name)-\(width)x\(height)", file: file, line: line)
        }
    }

    /// Keys that select carol's second request (t-0003, the first 401.2) on Live.
    private let selectFirst401: [Key] = [.character("k"), .character("k"), .character("k")]

    func testLiveScreen() { check("live") }
    func testLiveScreenFilteredToUnauthorized() { check("live-filter-401", keys: [.character("f")] + F.type("~s 401") + [.enter]) }
    func testConnectionsScreenShowsFirstOkThenUnauthorizedStrip() { check("connections", keys: [.character("2")]) }
    func testMappingsScreenListsMappingsInForce() { check("mappings", configured: true, keys: [.character("3")]) }
    func testMappingsScreenBeforeConfigurationArrives() { check("mappings-waiting", keys: [.character("3")]) }
    func testMappingEditorFormWithInlineRuleError() {
        check("mapping-form-error", configured: true, keys: [.character("3"), .character("j"), .character("j"), .character("e"), .tab, .tab, .tab, .tab, .control("u")] + F.type("XY=1") + [.enter])
    }
    func testMappingsDraftWithAProblemAndADryRun() {
        for (width, height) in Self.sizes {
            var state = F.state(width: width, height: height)
            ConsoleReducer.apply(.configurationLoaded(F.configuration), to: &state)
            F.press([.character("3"), .character("a")] + F.type("partners") + [.tab] + F.type("nobody") + [.tab, .tab, .tab] + F.type("O=Partner*") + [.enter], on: &state)
            ConsoleReducer.apply(.dryRunFinished(MappingDryRun(examined: 6, changes: [
                .init(traceID: "t-0003", identity: "carol", method: "GET", path: "/portal/inbox", was: "401.2", now: "200 carol"),
            ], skipped: 0)), to: &state)
            assertSnapshot(ConsoleView.render(state), named: "mappings-draft-\(width)x\(height)")
        }
    }
    func testSessionsScreenEmptyState() {
        for (width, height) in Self.sizes {
            var state = F.state(width: width, height: height)
            F.press([.character("4")], on: &state)
            ConsoleReducer.apply(.sessionsListed([]), to: &state)
            assertSnapshot(ConsoleView.render(state), named: "sessions-\(width)x\(height)")
        }
    }
    func testSessionsScreenWithAReplayDiff() {
        for (width, height) in Self.sizes {
            var state = F.state(width: width, height: height)
            ConsoleReducer.apply(.sessionsListed([
                SessionSummary(name: "carol-portal", requests: 3, connections: 1, decisions: ["1×200", "2×401.2"], unreadable: false),
                SessionSummary(name: "broken", requests: 0, connections: 0, decisions: [], unreadable: true),
            ]), to: &state)
            ConsoleReducer.apply(.replayFinished(SessionReplay(title: "session carol-portal", report: SessionsScreenTests.report)), to: &state)
            assertSnapshot(ConsoleView.render(state), named: "sessions-replay-\(width)x\(height)")
        }
    }
    func testSessionsScreenWhileAReplayIsPausedMidway() {
        for (width, height) in Self.sizes {
            var state = F.state(width: width, height: height)
            ConsoleReducer.apply(.sessionsListed([SessionSummary(name: "carol-portal", requests: 3, connections: 1, decisions: ["1×200", "2×401.2"], unreadable: false)]), to: &state)
            ConsoleReducer.apply(.replayStarted(SessionReplay(title: "session carol-portal", mode: "per-request", generation: 2, playback: ReplayPlayback(total: 3, paused: true, speed: .factor(1)))), to: &state)
            var playback = ReplayPlayback(total: 3, paused: true, speed: .factor(1))
            for outcome in SessionsScreenTests.report.outcomes.prefix(2) {
                playback.step()
                _ = playback.admit(recordedGap: 0, waited: 0)
                playback.answered()
                ConsoleReducer.apply(.replayAnswered(outcome), to: &state)
            }
            ConsoleReducer.apply(.replayPlayback(playback), to: &state)
            assertSnapshot(ConsoleView.render(state), named: "sessions-replay-paused-\(width)x\(height)")
        }
    }
    func testEventsScreen() { check("events", keys: [.character("5")]) }
    func testDetailRequestTab() { check("detail-request", keys: selectFirst401 + [.enter]) }
    func testDetailCertificateTab() { check("detail-certificate", keys: selectFirst401 + [.enter, .tab]) }
    func testDetailAuthTraceTab() { check("detail-trace", keys: selectFirst401 + [.enter, .tab, .tab]) }
    func testDetailDiagnosisTabExplainsQ190009() { check("detail-diagnosis", keys: selectFirst401 + [.character("!")]) }
    func testDetailAuthTraceOfForwardedCertificate() { check("detail-trace-bob", keys: [.character("k"), .enter, .tab, .tab]) }
    func testHelpOverlayOnLive() { check("help-live", keys: [.character("?")]) }
    func testHelpOverlayInDetail() { check("help-detail", keys: [.enter, .character("?")]) }
    func testModeChooser() { check("mode-chooser", keys: [.character("m")]) }
    func testQuitConfirmationSaysNoIsTheDefault() { check("confirm-quit", keys: [.character("q")]) }
    func testFilterPromptWithParseError() { check("filter-error", keys: [.character("f")] + F.type("~s abc & (") + [.enter]) }

    func testEmptyLiveScreen() {
        let state = ConsoleState(width: 80, height: 24, mode: "per-request", now: F.start, timeZone: F.utc)
        assertSnapshot(ConsoleView.render(state), named: "live-empty-80x24")
    }

    func testLiveScreenInASCII() {
        var state = F.state(width: 80, height: 24, glyphs: .ascii)
        F.press([.character("2")], on: &state)
        assertSnapshot(ConsoleView.render(state), named: "connections-ascii-80x24")
    }

    func testTooSmallTerminal() {
        var state = F.state()
        ConsoleReducer.apply(.resize(width: 50, height: 12), to: &state)
        assertSnapshot(ConsoleView.render(state), named: "too-small-50x12")
    }
}
