import CertMapCore
import CertMapJournal
import XCTest

@testable import CertMapConsole

/// What snapshots cannot show: roles (colour classes) of cells, and the diagnosis texts.
final class ViewStyleTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func role(of text: String, onLine y: Int, in buffer: ScreenBuffer) -> StyleRole? {
        guard let range = buffer.line(y).range(of: text) else { return nil }
        let x = buffer.line(y).distance(from: buffer.line(y).startIndex, to: range.lowerBound)
        return buffer[x, y].role
    }

    func testDecisionsAreColouredByClass() {
        var state = F.state()
        F.press([.character("g")], on: &state)
        let buffer = ConsoleView.render(state)
        XCTAssertEqual(role(of: "200", onLine: 2, in: buffer), .selected, "the selected row is drawn as selected")
        XCTAssertEqual(role(of: "200", onLine: 3, in: buffer), .decisionOK)
        XCTAssertEqual(role(of: "401.2", onLine: 4, in: buffer), .decision401)
        XCTAssertEqual(role(of: "403.16", onLine: 7, in: buffer), .decision403)
    }

    func testOutcomeStripMarksAreColouredPerRequest() {
        var state = F.state()
        F.press([.character("2"), .character("g")], on: &state)
        let buffer = ConsoleView.render(state)
        let stripX = buffer.line(3).distance(from: buffer.line(3).startIndex, to: buffer.line(3).range(of: "✓✗✗")!.lowerBound)
        XCTAssertEqual([buffer[stripX, 3].role, buffer[stripX + 1, 3].role, buffer[stripX + 2, 3].role], [.decisionOK, .decision401, .decision401])
    }

    func testTitleBarHighlightsTheCurrentScreen() {
        var state = F.state()
        F.press([.character("5")], on: &state)
        let buffer = ConsoleView.render(state)
        XCTAssertEqual(role(of: "5 Events", onLine: 0, in: buffer), .titleActive)
        XCTAssertEqual(role(of: "1 Live", onLine: 0, in: buffer), .title)
    }

    func testLegacyDiagnosisNamesTheRequestTheModeAndTheFix() {
        let record = F.state().flows.visibleRow(3).record
        let diagnosis = Diagnosis(record: record)
        XCTAssertTrue(diagnosis.cause.hasPrefix("Authentication was reset after request 2 of this proxied connection and the certificate was not re-mapped (legacy-iis4, KB Q190009)."))
        XCTAssertTrue(diagnosis.fix.hasPrefix("Switch authentication persistence to per-request"), diagnosis.fix)
        XCTAssertTrue(diagnosis.headline.hasPrefix("401.2"))
    }

    func testEveryReasonHasADiagnosis() {
        let template = F.state().flows.visibleRow(0).record
        for reason in DecisionReason.allCases {
            let decision = Decision(reason: reason, account: "alice", mapping: "m", trace: DecisionTrace(), generation: 1)
            let record = RequestRecordCopy.with(template, decision: decision)
            let diagnosis = Diagnosis(record: record)
            XCTAssertFalse(diagnosis.cause.isEmpty, "\(reason)")
            XCTAssertFalse(diagnosis.fix.isEmpty, "\(reason)")
            XCTAssertTrue(diagnosis.headline.hasPrefix(reason.statusText), "\(reason)")
        }
    }

    func testEveryScreenFitsTheMinimumSizeWithoutGarbage() {
        for screen in Screen.allCases {
            var state = F.state(width: ScreenLayout.minimumWidth, height: ScreenLayout.minimumHeight)
            ConsoleReducer.apply(.configurationLoaded(F.configuration), to: &state)
            F.press([.character(Character("\(screen.rawValue)"))], on: &state)
            let buffer = ConsoleView.render(state)
            XCTAssertTrue(buffer.line(0).hasPrefix(" certmap "), "\(screen)")
            XCTAssertTrue(buffer.line(14).contains("mode legacy-iis4"), "\(screen): status bar on the second last line")
        }
    }
}

enum RequestRecordCopy {
    static func with(_ record: RequestRecord, decision: Decision) -> RequestRecord {
        RequestRecord(
            traceID: record.traceID, connection: record.connection, request: record.request, method: record.method, path: record.path,
            peer: record.peer, route: record.route, proxied: record.proxied, mode: record.mode, certificateSource: record.certificateSource,
            certificate: record.certificate, decision: decision, durationMicros: record.durationMicros)
    }
}
