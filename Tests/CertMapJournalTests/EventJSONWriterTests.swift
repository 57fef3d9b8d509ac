import CertMapCore
import CertMapTestSupport
import Foundation
import XCTest

@testable import CertMapJournal

/// The hand-written event writer must write exactly what `JSONEncoder` writes from the
/// `Codable` conformances (the format's one definition), for every event kind and every shape
/// of request record, including strings that need escaping.
final class EventJSONWriterTests: XCTestCase {
    private static let awkward = [
        "plain", "", "quote \" and backslash \\", "slash / and https://x/y", "tab\tnew\nline\rreturn", "\u{8}\u{c}\u{1}\u{1f}\u{7f}",
        "ünïcödé CN=Zoë, O=Ōsaka", "emoji 🔐 and U+2028 \u{2028}", "CN=alice,OU=Sales\\, EMEA",
    ]

    private var alice: CertificateIdentity!
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-writer-\(UUID().uuidString)")
        _ = try DemoPKI.initialize(in: directory, now: Date())
        alice = try CertificateLoader.certificates(at: directory.appendingPathComponent("alice.crt"))[0]
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func assertSameAsJSONEncoder(_ event: CertMapEvent, file: StaticString = #filePath, line: UInt = #line) throws {
        var writer = EventJSONWriter()
        var expected = try EventJSON.encoder().encode(event)
        expected.append(0x0A)
        let written = try writer.line(event)
        XCTAssertEqual(String(decoding: written, as: UTF8.self), String(decoding: expected, as: UTF8.self), file: file, line: line)
        // What is written reads back (times to the millisecond) and writes again the same.
        let decoded = try EventJSON.decoder().decode(CertMapEvent.self, from: written.dropLast())
        XCTAssertEqual(try writer.line(decoded), written, file: file, line: line)
    }

    private func record(text: String, certificate: Bool, facts: DecisionFacts?, upstream: UpstreamOutcome?, run: String?, account: String?) -> RequestRecord {
        var trace = DecisionTrace()
        trace.record(.reset, .info, .text("request 1: \(text)"))
        trace.record(.map, .passed, .text(text), details: [TraceDetail(.passed, text), TraceDetail(.failed, "rule 2 \(text)")])
        trace.record(.respond, .failed, .text("401.2"))
        let decision = Decision(reason: account == nil ? .certificateRequired : .allowed, account: account, mapping: account.map { "one-to-one \($0) \(text)" }, trace: trace, generation: 18_446_744_073_709_551_615, facts: facts)
        return RequestRecord(
            traceID: "t-1a", connection: 42, request: 7, method: "GET", path: "/a/\(text)?q=\"x\"", peer: "[::1]:5000", route: "reverse",
            proxied: true, mode: "per-request", certificateSource: "forwarded:xfcc", certificate: certificate ? CertificateSummary(alice) : nil,
            decision: decision, durationMicros: 0, run: run, upstream: upstream,
            observed: certificate ? nil : ObservedAnswer(proxy: "nginx", status: 403, source: "access.log:\(text.utf8.count)", verify: "FAILED:\(text)", certificateNotLogged: run))
    }

    func testRequestRecordsOfEveryShapeAreWrittenExactlyAsJSONEncoderWritesThem() throws {
        let facts = [
            nil,
            DecisionFacts(strippedHeaders: StrippedHeaders(names: ["Client-Cert"], peer: "127.0.0.1:1", proxyHints: ["hint \"1\""])),
            DecisionFacts(forwarded: ForwardedProvenance(format: "xfcc", header: "X-Forwarded-Client-Cert", peer: "127.0.0.3:9", xfccElement: nil)),
            DecisionFacts(
                misattribution: Misattribution(presentedSubject: "CN=bob", presentedAccount: "sales", servedAccount: "alice", mappedFromRequest: 1, mappedFromSubject: "CN=alice"),
                nearMisses: [NearMiss(kind: .letterCase, mapping: "many-to-one #3", account: nil, detail: "OU \"sales\"")]),
        ]
        let upstreams = [nil, UpstreamOutcome(upstream: "http://127.0.0.1:8080", status: 200, latencyMicros: 1234, bytesSent: 0, bytesReceived: 99, failure: nil), UpstreamOutcome(upstream: "http://[::1]:1/", status: nil, latencyMicros: 5, bytesSent: 1, bytesReceived: 0, failure: "connection refused")]
        var sequence: UInt64 = 0
        for text in Self.awkward {
            for fact in facts {
                for upstream in upstreams {
                    for certificate in [true, false] {
                        sequence += 1
                        let record = record(text: text, certificate: certificate, facts: fact, upstream: upstream, run: sequence.isMultiple(of: 2) ? nil : "r0000beef", account: certificate ? "alice" : nil)
                        try assertSameAsJSONEncoder(CertMapEvent(sequence: sequence, time: Date(timeIntervalSince1970: 1_764_963_924.123_456 + Double(sequence)), kind: .request(record)))
                    }
                }
            }
        }
    }

    func testEveryOtherEventKindIsWrittenExactlyAsJSONEncoderWritesIt() throws {
        let summary = CertificateSummary(alice)
        let step = TraceStep(stage: .validate, outcome: .failed, summary: "expired \"x\"")
        let kinds: [CertMapEvent.Kind] = [
            .connectionOpened(ConnectionOpened(connection: 1, peer: "127.0.0.1:2", local: "127.0.0.1:443", peerIsTrustedProxy: true, tlsVersion: "TLSv1.3", cipherSuite: nil, certificate: summary, forwarder: "edge")),
            .connectionClosed(ConnectionClosed(connection: 1, requests: 3, reason: "idle for 60.0s")),
            .authStep(AuthStep(connection: 1, request: 2, step: step, mode: "legacy-iis4")),
            .security(SecurityEvent(category: .spoof, connection: nil, peer: "127.0.0.1:2", message: "removed \"Client-Cert\"\n")),
            .system(SystemEvent("configuration generation 3 applied / \\ \u{1}")),
            .certificate(CertificateRecord(sha256: alice.sha256.colonHex, der: Data(alice.der).base64EncodedString())),
        ]
        for (index, kind) in kinds.enumerated() {
            try assertSameAsJSONEncoder(CertMapEvent(sequence: UInt64(index), time: Date(), kind: kind))
        }
    }

    func testTimesAreWrittenAsISO8601DateFormatterWritesThemWithMilliseconds() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SeededGenerator(seed: 0x5eed)
        // 1900 to 2200, fractions below a millisecond included; and the edges of days, years, leap days.
        var seconds: [Double] = [0, -0.0005, 951_782_400, 951_868_799.9999, 4_102_444_800, -2_208_988_800, 1_764_963_924.999_999]
        for _ in 0..<5000 {
            seconds.append(Double(generator.next() % 9_467_280_000) - 2_208_988_800 + Double(generator.next() % 1_000_000) / 1_000_000)
        }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            XCTAssertEqual(RFC3339Time.string(date), formatter.string(from: date), "\(value)")
        }
    }
}
