import CertMapJournal

/// The text forms of a replay: the finished table, the summary of changes, and the rows printed
/// one by one while a controlled replay runs.
enum ReplayText {
    /// Rows a replay of a whole journal lists in order (every changed row is listed too, up to as
    /// many more); the summary counts every request.
    static let journalRows = 10_000

    static func render(_ report: ReplayReport, how: String = "dry-run replay") -> String {
        var rows = [["conn", "req", "method", "path", "identity", "was", "now", ""]]
        for outcome in report.outcomes {
            rows.append(["\(outcome.connection)", "\(outcome.request)", outcome.method, outcome.path, outcome.identity ?? "-", outcome.wasSummary, outcome.nowSummary, remark(outcome)])
        }
        var table = TextTable.render(rows)
        if report.omittedCount > 0 {
            table += "\n… \(report.omittedCount) more request(s) not listed (the first \(ReplayText.journalRows) rows and up to as many changed ones are; every request is counted below)"
        }
        return ["\(how) under \(report.mode), configuration generation \(report.generation)", table, "", summary(report)].joined(separator: "\n")
    }

    /// `3 of 8 decision(s) changed:` and each transition with its count; how far a stopped
    /// replay got.
    static func summary(_ report: ReplayReport) -> String {
        var lines: [String] = []
        if report.stopped {
            lines.append("stopped after \(report.replayedCount) of \(report.planned) request(s)")
        }
        let context = report.replayedCount - report.comparedCount
        let alongside = context > 0 ? "; +\(context) earlier request(s) of those connections replayed as context" : ""
        if report.changedCount == 0 {
            lines.append("no decision changed (\(report.comparedCount) request(s)\(alongside))")
        } else {
            lines.append("\(report.changedCount) of \(report.comparedCount) decision(s) changed\(alongside):")
            lines += report.transitions.map { "  \($0.count) × \($0.diff)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The column titles above live rows.
    static func liveHeader(how: String, requests: Int) -> String {
        "\(how) of \(requests) request(s)\n" + liveColumns(["conn", "req", "method", "path", "identity", "was", "now", ""])
    }

    /// One request's row, printed as its answer arrives.
    static func liveRow(_ outcome: ReplayOutcome) -> String {
        liveColumns(["\(outcome.connection)", "\(outcome.request)", outcome.method, outcome.path, outcome.identity ?? "-", outcome.wasSummary, outcome.nowSummary, remark(outcome)])
    }

    /// `changed`, and why a row may not compare (no key, certificate rotated away, new connection).
    static func remark(_ outcome: ReplayOutcome) -> String {
        var parts: [String] = []
        if outcome.context { parts.append("(context)") }
        if outcome.wasMisattributed && !outcome.nowMisattributed { parts.append("(was another user's identity)") }
        if outcome.nowMisattributed { parts.append("(another user's identity)") }
        if outcome.changed { parts.append("changed") }
        if outcome.certificateMissing {
            parts.append(outcome.now == "not replayed" ? "(no key for this certificate)" : "(certificate not in journal)")
        }
        if let note = outcome.note { parts.append("(\(note))") }
        return parts.joined(separator: " ")
    }

    /// Fixed widths, as rows arrive one at a time and cannot be measured together.
    private static let widths = [6, 5, 7, 28, 12, 16, 16]

    private static func liveColumns(_ cells: [String]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            guard index < widths.count else {
                line += cell
                break
            }
            let width = widths[index]
            let fitted = cell.count < width ? cell : String(cell.prefix(width - 2)) + "…"
            line += fitted.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        return line.trimmingTrailingSpaces
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
