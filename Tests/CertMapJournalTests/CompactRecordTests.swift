import CertMapCore
@testable import CertMapJournal
import Foundation
import XCTest

/// The journal's compact request record: read back, it is the record that was written, word for
/// word (compared as the full form `EventJSONWriter` writes for `--log-format json`); repeated
/// parts are stored once per scope; each scope reads on its own; damage costs only the lines
/// that refer to what was lost.
final class CompactRecordTests: XCTestCase {
    private static let pki: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-pki-\(UUID().uuidString)")
        _ = try! DemoPKI.initialize(in: directory, now: Date())
        return directory
    }()

    private static func certificate(_ name: String) -> CertificateIdentity {
        try! CertificateLoader.certificates(at: pki.appendingPathComponent("\(name).crt"))[0]
    }

    /// A record shaped like the server's: the reset line, source lines, a validation step with
    /// details, a mapping step, authorization, and the reset after it.
    private func record(
        request: Int, connection: ConnectionID = 7, persistence: AuthPersistence = AuthPersistencePreset.perRequest.flags, proxied: Bool = false,
        user: String = "alice", facts: DecisionFacts? = nil, resetRequest: Int? = nil, upstream: UpstreamOutcome? = nil
    ) -> RequestRecord {
        let leaf = Self.certificate(user)
        var trace = DecisionTrace()
        trace.record(.reset, .info, .requestReset(request: resetRequest ?? request, connection: connection, persistence: persistence))
        trace.record(.source, .info, proxied ? "proxied: the peer is a certificate forwarder" : "direct connection (no proxy indication)")
        trace.record(.source, .info, request == 1 ? .firstRequest : .remapAfterReset(request: request - 1))
        trace.record(.source, .passed, "TLS peer certificate of this connection: \(leaf.subject.rfc2253)")
        trace.record(.validate, .passed, .validationPassed(subject: leaf.subject.rfc2253), details: [
            TraceDetail(.passed, "chain: CN=\(user) → CN=CertMap Demo Issuing CA → CN=CertMap Demo Root CA (trusted anchor)"),
            TraceDetail(.passed, "revocation: serial \(leaf.serialNumber) not listed \"quoted\" \\ and\ttabbed"),
        ])
        trace.record(.map, .passed, .oneToOneMatched(name: "\(user) laptop", account: user))
        trace.record(.respond, .passed, .respond(reason: .allowed, account: user))
        trace.record(.reset, .info, .resetAfterRequest(request: request, proxied: proxied, remaps: persistence.remapAfterReset))
        let decision = Decision(reason: .allowed, account: user, mapping: "one-to-one \"\(user) laptop\"", trace: trace, generation: 3, facts: facts)
        return RequestRecord(
            traceID: "t-abc-\(request)", connection: connection, request: request, method: "GET", path: "/img/\(request).png", peer: "127.0.0.1:5\(connection)",
            route: proxied ? "proxied (rfc9440)" : "direct", proxied: proxied, mode: persistence.description, certificateSource: "tls",
            certificate: CertificateSummary(leaf), decision: decision, durationMicros: 40 + request, run: "rabc", upstream: upstream)
    }

    private func event(_ sequence: Int, _ kind: CertMapEvent.Kind) -> CertMapEvent {
        CertMapEvent(sequence: UInt64(sequence), time: Date(timeIntervalSince1970: 1_790_000_000 + Double(sequence) / 8), kind: kind)
    }

    /// The journal's lines for `events`, one scope, and what reading them back gives.
    private func roundTrip(_ events: [CertMapEvent], encoder: JournalLineEncoder = JournalLineEncoder()) throws -> (lines: [String], read: [CertMapEvent]) {
        var encoder = encoder
        var data = Data()
        for event in events { try encoder.append(event, to: &data) }
        let decoder = JournalLineDecoder()
        let lines = data.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        let read = try data.split(separator: 0x0A).compactMap { try decoder.decode(Data($0)) }
        return (lines, read)
    }

    /// Full-form lines, as every reader outside the journal sees events.
    private func fullLines(_ events: [CertMapEvent]) throws -> [String] {
        var writer = EventJSONWriter()
        return try events.map { String(decoding: try writer.line($0), as: UTF8.self) }
    }

    func testEveryPersistenceModeReadsBackWordForWordWithItsStepsAsTemplates() throws {
        let custom = AuthPersistence(singleRequest: false, singleRequestIfProxy: false, singleRequestAlwaysIfProxy: true, remapAfterReset: false)
        for persistence in AuthPersistencePreset.allCases.map(\.flags) + [custom] {
            for proxied in [false, true] {
                let events = (1...4).map { event($0, .request(record(request: $0, persistence: persistence, proxied: proxied))) }
                let (lines, read) = try roundTrip(events)
                XCTAssertEqual(try fullLines(read), try fullLines(events), "\(persistence) proxied \(proxied)")
                let last = try XCTUnwrap(lines.last)
                XCTAssertTrue(last.contains("\"steps\":[\"reset\","), last)
                XCTAssertTrue(last.contains(persistence.remapAfterReset ? "\"after\"]" : "\"after-no-remap\"]"), last)
                XCTAssertTrue(last.contains(",\"remap\","), last)
            }
        }
    }

    func testAStepWhoseNumbersAreNotTheRecordsOwnIsStoredAsItWasWritten() throws {
        // A mode switch mid-connection starts its authentication afresh: the reset line's request
        // number then differs from the record's, and no template may stand for it.
        let events = [event(1, .request(record(request: 6, resetRequest: 1)))]
        let (lines, read) = try roundTrip(events)
        XCTAssertEqual(try fullLines(read), try fullLines(events))
        XCTAssertFalse(lines.last!.contains("\"steps\":[\"reset\""), lines.last!)
        XCTAssertTrue(lines.contains { $0.contains("request 1 on connection 7: authentication context reset (per-request)") }, "\(lines)")
    }

    func testRepeatedStepsCertificatesAndFactsAreStoredOnceAndARequestStaysUnder600Bytes() throws {
        let facts = DecisionFacts(nearMisses: [NearMiss(kind: .oneRuleDiffers, mapping: "many-to-one #2 \"Contoso sales\"", account: "sales", detail: "subject.OU = \"Sales\": no match")])
        let events = (1...200).map { index in
            event(index, .request(record(request: index, connection: ConnectionID(index % 5), user: index % 4 == 0 ? "bob" : "alice", facts: index % 3 == 0 ? facts : nil)))
        }
        let (lines, read) = try roundTrip(events)
        XCTAssertEqual(try fullLines(read), try fullLines(events))
        let shared = lines.filter { $0.hasSuffix("\"type\":\"shared\"}") }
        // Per user: source (TLS peer), validate, map, respond lines and the certificate; the
        // direct-connection and first-request lines once; the facts once. Resets are templates.
        XCTAssertEqual(shared.count, 2 * 5 + 2 + 1, shared.joined(separator: "\n"))
        let requests = lines.filter { $0.hasSuffix("\"type\":\"request\"}") }
        XCTAssertEqual(requests.count, 200)
        XCTAssertLessThan(requests.map(\.utf8.count).max()!, 600, requests.max { $0.utf8.count < $1.utf8.count }!)
        XCTAssertLessThan(try fullLines(events).map(\.utf8.count).min()!, 2_000 + 1_000, "the full form is the 2–3 KB it always was")
    }

    func testAFullSharedTableWritesStepsInlineAndStillReadsBack() throws {
        let events = (1...20).map { event($0, .request(record(request: $0, user: ["alice", "bob", "carol", "dave"][$0 % 4]))) }
        let (lines, read) = try roundTrip(events, encoder: JournalLineEncoder(maxSharedEntries: 3))
        XCTAssertEqual(try fullLines(read), try fullLines(events))
        XCTAssertEqual(lines.filter { $0.hasSuffix("\"type\":\"shared\"}") }.count, 3)
        XCTAssertTrue(lines.last!.contains("{\"details\":["), "past the table's size, steps are inline: \(lines.last!)")
    }

    func testEveryOtherEventKindIsWrittenInFullAndReadsBack() throws {
        let alice = Self.certificate("alice")
        let events: [CertMapEvent] = [
            event(1, .system(SystemEvent("server started"))),
            event(2, .connectionOpened(ConnectionOpened(connection: 7, peer: "127.0.0.1:5000", local: "127.0.0.1:8443", peerIsTrustedProxy: true, tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", certificate: CertificateSummary(alice), forwarder: "edge", resumed: false))),
            event(3, .certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString()))),
            event(4, .authStep(AuthStep(connection: 7, request: 1, step: TraceStep(stage: .map, outcome: .passed, summary: "mapped"), mode: "per-request"))),
            event(5, .request(record(request: 1, upstream: UpstreamOutcome(upstream: "http://127.0.0.1:9000", status: 200, latencyMicros: 900, bytesSent: 10, bytesReceived: 20, failure: nil)))),
            event(6, .security(SecurityEvent(category: .spoof, connection: 7, peer: "127.0.0.1:5000", message: "stripped X-SSL-Client-Cert", reason: "spoof"))),
            event(7, .proxyHop(ProxyHop(proxy: .reverse, action: .forwarded, clientConnection: 3, clientPeer: "127.0.0.1:6000", upstreamLocal: "127.0.0.1:6001", method: "GET", path: "/", clientCertificate: "CN=alice", forwardedFormat: "rfc9440"))),
            event(8, .connectionClosed(ConnectionClosed(connection: 7, requests: 1, reason: "client closed"))),
        ]
        let (_, read) = try roundTrip(events)
        XCTAssertEqual(try fullLines(read), try fullLines(events))
    }

    func testEachSegmentAndEachRunAppendedToOneReadsOnItsOwn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = (1...12).map { event($0, .request(record(request: $0))) }
        // Two runs appending to one segment: the second one's shared entries start again at 1.
        for run in [events.prefix(6), events.suffix(6)] {
            let writer = try JournalWriter(settings: JournalSettings(directory: directory))
            for event in run { try writer.append(event) }
            try writer.close()
        }
        XCTAssertEqual(try fullLines(try JournalReader.read(directory).events), try fullLines(events))
        // One segment per flush, then the older segments pruned by hand: the rest still reads.
        let small = directory.appendingPathComponent("small")
        let writer = try JournalWriter(settings: JournalSettings(directory: small, maxSegmentBytes: 1))
        for event in events {
            try writer.append(event)
            try writer.flush()
        }
        try writer.close()
        let segments = JournalSettings.files(in: small).map(\.url)
        XCTAssertEqual(segments.count, 12)
        for segment in segments.prefix(8) { try FileManager.default.removeItem(at: segment) }
        let left = try JournalReader.read(small)
        XCTAssertEqual(left.warnings, [])
        XCTAssertEqual(try fullLines(left.events), try fullLines(Array(events.suffix(4))))
    }

    func testALostSharedLineCostsOnlyTheRequestsThatReferToItWithAWarning() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var encoder = JournalLineEncoder()
        var data = Data()
        try encoder.append(event(1, .request(record(request: 1))), to: &data)
        try encoder.append(event(2, .system(SystemEvent("between"))), to: &data)
        try encoder.append(event(3, .request(record(request: 2, user: "bob"))), to: &data)
        var lines = data.split(separator: 0x0A).map { Data($0) }
        let validation = try XCTUnwrap(lines.firstIndex { String(decoding: $0, as: UTF8.self).contains("\"stage\":\"validate\"") && String(decoding: $0, as: UTF8.self).contains("CN=alice") })
        lines.remove(at: validation)
        let file = directory.appendingPathComponent("journal-000001.jsonl")
        try Data(lines.map { $0 + Data([0x0A]) }.joined()).write(to: file)
        let result = try JournalReader.read(file)
        XCTAssertEqual(result.events.map(\.sequence), [2, 3], "alice's request is lost, nothing else")
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(result.warnings[0].hasPrefix("journal-000001.jsonl:"), result.warnings[0])
        XCTAssertTrue(result.warnings[0].contains("skipped a corrupt line (refers to shared trace step"), result.warnings[0])
    }

    func testJournalsInTheFullFormStillRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = (1...5).map { event($0, .request(record(request: $0))) }
        let full = try fullLines(events).joined()
        try Data(full.utf8).write(to: directory.appendingPathComponent("journal-000001.jsonl"))
        try Gzip.member(Data(full.utf8)).write(to: directory.appendingPathComponent("journal-000002.jsonl.gz"))
        let read = try JournalReader.read(directory)
        XCTAssertEqual(read.warnings, [])
        XCTAssertEqual(try fullLines(read.events), try fullLines(events + events))
    }

    func testTheModeSpelledInARecordParsesBackToItsFlags() {
        for singleRequest in [false, true] {
            for ifProxy in [false, true] {
                for alwaysIfProxy in [false, true] {
                    for remap in [false, true] {
                        let flags = AuthPersistence(singleRequest: singleRequest, singleRequestIfProxy: ifProxy, singleRequestAlwaysIfProxy: alwaysIfProxy, remapAfterReset: remap)
                        XCTAssertEqual(AuthPersistence(description: flags.description), flags, flags.description)
                    }
                }
            }
        }
        for nonsense in ["", "custom(", "custom()", "custom(remapAfterReset,remapAfterReset)", "custom(fast)", "per-Request", "custom(remapAfterReset,singleRequest)"] {
            XCTAssertNil(AuthPersistence(description: nonsense), nonsense)
        }
    }

    func testTheHandWrittenDecoderReadsEveryLineExactlyAsJSONDecoderDoes() throws {
        let facts = DecisionFacts(nearMisses: [NearMiss(kind: .letterCase, mapping: "many-to-one #1 \"ünïcode ✓ \u{1F600}\"", account: nil, detail: "tab\there \\ \"q\"")])
        var events = (1...6).map { event($0, .request(record(request: $0, user: $0 % 2 == 0 ? "bob" : "alice", facts: $0 == 3 ? facts : nil))) }
        events.append(event(7, .request(record(request: 7, upstream: UpstreamOutcome(upstream: "http://127.0.0.1:9", status: nil, latencyMicros: 5, bytesSent: 0, bytesReceived: 0, failure: "connection refused")))))
        var encoder = JournalLineEncoder()
        var compact = Data()
        for event in events { try encoder.append(event, to: &compact) }
        var full = EventJSONWriter()
        let fullLines = try events.map { try full.line($0) }
        let foundation = EventJSON.decoder()
        let table = JournalSharedTable()
        foundation.userInfo[.journalShared] = table
        let fast = JournalFastDecoder(table: table, fallback: foundation)
        var read = 0
        for line in compact.split(separator: 0x0A).map({ Data($0) }) + fullLines.map({ Data($0.dropLast()) }) {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasSuffix("\"type\":\"shared\"}") {
                let byHand = try line.withUnsafeBytes { try fast.shared($0) }
                XCTAssertEqual(byHand, try foundation.decode(SharedLine.self, from: line).shared, text)
                table.define(byHand)
                continue
            }
            let byHand = try line.withUnsafeBytes { try fast.request($0) }
            let byFoundation = try foundation.decode(CertMapEvent.self, from: line)
            XCTAssertEqual(byHand, byFoundation, text)
            XCTAssertEqual(byHand.time, byFoundation.time, text)
            read += 1
        }
        XCTAssertEqual(read, 14)
    }

    func testTimesInTheWrittenFormParseToTheValueTheFormatterGives() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000)
            let text = RFC3339Time.string(date)
            let parsed = Array(text.utf8).withUnsafeBytes { RFC3339Time.date(written: $0) }
            XCTAssertEqual(parsed, formatter.date(from: text), text)
        }
        for text in ["2026-02-30T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-01T24:00:00.000Z", "2026-12-01T00:00:00.000+01:00", "2026-12-01T00:00:00Z", "2026-1a-01T00:00:00.000Z"] {
            XCTAssertNil(Array(text.utf8).withUnsafeBytes { RFC3339Time.date(written: $0) }, text)
        }
    }

    func testLinesTheHandWrittenDecoderDoesNotExpectAreLeftToJSONDecoderWhichReadsThem() throws {
        let line = try XCTUnwrap(try fullLines([event(1, .request(record(request: 1)))]).first).dropLast()
        let variants = [
            line.replacingOccurrences(of: "\"sequence\":1", with: "\"sequence\":1.0"),
            line.replacingOccurrences(of: "{\"request\":", with: "{ \"request\" : "),
            line.replacingOccurrences(of: ".125Z", with: ".125000Z"),
            line.replacingOccurrences(of: "\"method\":\"GET\"", with: "\"method\":\"G\\u0045T\""),
        ]
        let decoder = JournalLineDecoder()
        let expected = try XCTUnwrap(try decoder.decode(Data(line.utf8)))
        for variant in variants {
            XCTAssertNotEqual(variant, String(line))
            let read = try XCTUnwrap(try decoder.decode(Data(variant.utf8)), variant)
            XCTAssertEqual(try fullLines([read]), try fullLines([expected]), variant)
        }
    }

    func testTwoScopesInOnePieceOfTextAreReadInParallelEachAgainstItsOwnTable() throws {
        // Two runs' lines in one file, each scope numbering its entries from 1 with other
        // contents (alice's steps, then bob's), several chunks each: every request must be read
        // against the table of its own scope.
        let first = (1...700).map { event($0, .request(record(request: $0, connection: 1, user: "alice"))) }
        let second = (701...1400).map { event($0, .request(record(request: $0, connection: 2, user: "bob"))) }
        var data = Data()
        for run in [first, second] {
            var encoder = JournalLineEncoder()
            for event in run { try encoder.append(event, to: &data) }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("journal-000001.jsonl")
        try data.write(to: file)
        XCTAssertGreaterThan(first.count + second.count, 4 * JournalFrameDecoder.chunkLines, "several chunks")
        let read = try JournalReader.read(file)
        XCTAssertEqual(read.warnings, [])
        XCTAssertEqual(try fullLines(read.events), try fullLines(first + second))
    }

    func testReadingWithoutTracesGivesTheSameRecordsWithAnEmptyTrace() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-compact-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let facts = DecisionFacts(nearMisses: [NearMiss(kind: .oneRuleDiffers, mapping: "many-to-one #2 \"Contoso sales\"", account: "sales", detail: "subject.OU")])
        let events = (1...40).map { event($0, .request(record(request: $0, user: $0 % 3 == 0 ? "bob" : "alice", facts: $0 % 5 == 0 ? facts : nil))) }
            + [event(41, .system(SystemEvent("done")))]
        let writer = try JournalWriter(settings: JournalSettings(directory: directory))
        for event in events { try writer.append(event) }
        try writer.close()
        var withoutTraces: [CertMapEvent] = []
        try JournalReader.stream(directory, traces: false) { withoutTraces.append($0) }
        let expected = try JournalReader.read(directory).events.map { event -> CertMapEvent in
            guard case .request(let record) = event.kind else { return event }
            let decision = Decision(
                reason: record.decision.reason, account: record.decision.account, mapping: record.decision.mapping, trace: DecisionTrace(),
                generation: record.decision.generation, facts: record.decision.facts)
            return CertMapEvent(sequence: event.sequence, time: event.time, kind: .request(RequestRecord(
                traceID: record.traceID, connection: record.connection, request: record.request, method: record.method, path: record.path, peer: record.peer,
                route: record.route, proxied: record.proxied, mode: record.mode, certificateSource: record.certificateSource, certificate: record.certificate,
                decision: decision, durationMicros: record.durationMicros, run: record.run, upstream: record.upstream, observed: record.observed)))
        }
        XCTAssertEqual(withoutTraces, expected)
    }
}
