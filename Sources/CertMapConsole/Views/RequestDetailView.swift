import CertMapCore
import CertMapJournal

/// `enter` on a request: tabs Request / Certificate / Auth trace / Diagnosis, scrollable.
enum RequestDetailView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, in area: Rect) {
        guard let detail = state.detail else { return }
        drawTabs(detail.tab, glyphs: state.glyphs, into: &buffer, y: area.y)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard state.detailFlow != nil else {
            EmptyStateView.render(
                title: "Request \(detail.traceID) is no longer in memory",
                paragraphs: ["The Live list keeps the most recent \(state.flows.capacity) requests. q goes back."],
                into: &buffer, in: body, glyphs: state.glyphs)
            return
        }
        let lines = self.lines(state, width: body.width - 2)
        let scroll = min(detail.scroll, max(0, lines.count - body.height))
        for (row, line) in lines.dropFirst(scroll).prefix(body.height).enumerated() {
            buffer.draw(line, x: body.x + 1, y: body.y + row, maxWidth: body.width - 2, ellipsis: state.glyphs.ellipsis)
        }
    }

    static func drawTabs(_ active: DetailTab, glyphs: GlyphSet, into buffer: inout ScreenBuffer, y: Int) {
        buffer.fill(Rect(x: 0, y: y, width: buffer.width, height: 1), role: .tabInactive)
        var x = 1
        for tab in DetailTab.allCases {
            x += buffer.write(" \(tab.title) ", x: x, y: y, role: tab == active ? .tabActive : .tabInactive, overflow: .clip)
            x += 1
        }
    }

    /// Lines of the open tab at the state's width (the reducer uses the count to bound scrolling).
    static func lineCount(_ state: ConsoleState) -> Int {
        lines(state, width: state.width - 2).count
    }

    static func lines(_ state: ConsoleState, width: Int) -> [StyledLine] {
        guard let detail = state.detail, let flow = state.detailFlow else { return [] }
        switch detail.tab {
        case .request: return requestLines(flow, state: state, width: width)
        case .certificate: return certificateLines(flow.record, state: state, width: width)
        case .trace:
            guard !flow.traceReleased else {
                return [[Span("The console keeps the trace of its newest \(state.flows.tracedCapacity) requests only; this one is older.", .muted)],
                    [Span("certmap export har --filter '~conn \(flow.record.connection)' has it from the journal.", .muted)]]
            }
            return traceLines(flow.record.decision.trace, glyphs: state.glyphs, width: width)
        case .diagnosis: return diagnosisLines(flow.record, width: width)
        }
    }

    private static func field(_ name: String, _ value: String, _ role: StyleRole = .normal) -> StyledLine {
        [Span(name.padding(toLength: 14, withPad: " ", startingAt: 0), .muted), Span(value, role)]
    }

    private static func requestLines(_ flow: FlowRow, state: ConsoleState, width: Int) -> [StyledLine] {
        let record = flow.record
        let decision = record.decision
        return [
            [Span("\(record.method) \(record.path)", .header), Span("  request \(record.request) on connection \(record.connection)", .muted)],
            [],
            field("Time", Formatting.timestamp(flow.time, in: state.timeZone)),
            field("Decision", "\(decision.statusText)  \(decision.reason.rawValue)", Formatting.role(forStatus: decision.status)),
            field("Account", decision.account ?? "-"),
            field("Mapping", decision.mapping ?? "-"),
            field("Peer", record.peer),
            field("Route", record.route),
            field("Proxied", record.proxied ? "yes" : "no"),
            field("Mode", record.mode),
            field("Cert source", record.certificateSource),
            field("Certificate", record.certificate?.subject ?? "none"),
            field("Config gen.", "\(decision.generation)"),
            field("Duration", Formatting.duration(micros: record.durationMicros)),
            field("Trace id", record.traceID),
        ] + upstreamLines(record)
    }

    /// Gateway mode: what the application did with the request.
    private static func upstreamLines(_ record: RequestRecord) -> [StyledLine] {
        guard let upstream = record.upstream else { return [] }
        let answer = upstream.status.map { "\($0) from \(upstream.upstream)" } ?? "no answer from \(upstream.upstream)"
        var lines = [
            field("Upstream", answer, upstream.status.map(Formatting.role(forStatus:)) ?? .decision403),
            field("Upstream in", "\(Formatting.duration(micros: upstream.latencyMicros)); \(upstream.bytesSent) bytes sent, \(upstream.bytesReceived) received"),
        ]
        if let failure = upstream.failure { lines.append(field("Upstream err", failure, .decision403)) }
        return lines
    }

    private static func certificateLines(_ record: RequestRecord, state: ConsoleState, width: Int) -> [StyledLine] {
        guard let certificate = record.certificate else {
            return [[Span("No certificate was used for this request (source: \(record.certificateSource)).", .muted)]]
        }
        return [
            field("Subject", certificate.subject),
            field("Issuer", certificate.issuer),
            field("Common name", certificate.commonName),
            field("Serial", certificate.serialNumber),
            field("Not before", Formatting.timestamp(certificate.notValidBefore, in: state.timeZone)),
            field("Not after", Formatting.timestamp(certificate.notValidAfter, in: state.timeZone)),
            field("Source", record.certificateSource),
        ] + wrappedField("SHA-256", certificate.sha256, width: width)
    }

    private static func wrappedField(_ name: String, _ value: String, width: Int) -> [StyledLine] {
        let chunk = max(3, (width - 14 + 1) / 3 * 3)  // whole `AB:` groups
        var lines: [StyledLine] = []
        var rest = Substring(value)
        var first = true
        repeat {
            lines.append(field(first ? name : "", String(rest.prefix(chunk))))
            rest = rest.dropFirst(chunk)
            first = false
        } while !rest.isEmpty
        return lines
    }

    private static func mark(_ outcome: TraceOutcome, _ glyphs: GlyphSet) -> Span {
        switch outcome {
        case .passed: return Span(glyphs.ok, .decisionOK)
        case .failed: return Span(glyphs.denied, .decision401)
        case .skipped: return Span("-", .muted)
        case .info: return Span(glyphs.info, .muted)
        }
    }

    private static func traceLines(_ trace: DecisionTrace, glyphs: GlyphSet, width: Int) -> [StyledLine] {
        guard !trace.steps.isEmpty else { return [[Span("This decision carries no trace.", .muted)]] }
        var lines: [StyledLine] = []
        for step in trace.steps {
            let summary = TextWrap.wrap(step.summary, width: max(10, width - 12))
            for (index, text) in summary.enumerated() {
                if index == 0 {
                    lines.append([Span(step.stage.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0), .key), mark(step.outcome, glyphs), Span(" " + text)])
                } else {
                    lines.append([Span(String(repeating: " ", count: 12) + text)])
                }
            }
            for detail in step.details {
                for (index, text) in TextWrap.wrap(detail.text, width: max(10, width - 14)).enumerated() {
                    lines.append([Span(String(repeating: " ", count: 12)), index == 0 ? mark(detail.outcome, glyphs) : Span(" "), Span(" " + text, .muted)])
                }
            }
        }
        return lines
    }

    private static func diagnosisLines(_ record: RequestRecord, width: Int) -> [StyledLine] {
        let diagnosis = Diagnosis(record: record)
        let role: StyleRole = diagnosis.kind == .misattributed ? .decision403 : Formatting.role(forStatus: record.decision.status)
        var lines: [StyledLine] = TextWrap.wrap(diagnosis.headline, width: width).map { [Span($0, role)] }
        lines.append([])
        lines.append([Span("Cause", .header)])
        lines += TextWrap.wrap(diagnosis.cause, width: width - 2).map { [Span("  " + $0)] }
        lines.append([])
        lines.append([Span("Fix", .header)])
        lines += TextWrap.wrap(diagnosis.fix, width: width - 2).map { [Span("  " + $0)] }
        var evidence = diagnosis.evidence
        if evidence.isEmpty, let failed = record.decision.trace.steps.last(where: { $0.outcome == .failed }) {
            evidence.append("\(failed.stage.rawValue): \(failed.summary)")
        }
        if !evidence.isEmpty {
            lines.append([])
            lines.append([Span("Evidence", .header)])
            for line in evidence {
                lines += TextWrap.wrap(line, width: width - 2).map { [Span("  " + $0, .muted)] }
            }
        }
        return lines
    }
}
