import CertMapCore
import Foundation
import XCTest

@testable import CertMapJournal

/// The streaming HAR writer writes the document `HARConversion` describes: read back, the two are equal.
final class HARWriterTests: XCTestCase {
    func testWrittenSessionReadsBackAsTheDocumentHARConversionDescribes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-har-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try DemoPKI.initialize(in: directory, now: Date())
        let alice = try CertificateLoader.certificates(at: directory.appendingPathComponent("alice.crt"))[0]
        var trace = DecisionTrace()
        trace.record(.map, .passed, .text("one-to-one \"alice\" → alice"), details: [TraceDetail(.info, "tab\there, quote \" and slash /")])
        let records = (1...6).map { index in
            RequestRecord(
                traceID: "t-\(index)", connection: UInt64(index / 3 + 1), request: index, method: index.isMultiple(of: 2) ? "POST" : "GET",
                path: index == 3 ? "/search?q=a%20b&x=\"y\"&flag" : "/img/\(index).png", peer: "127.0.0.1:\(5000 + index)", route: "direct", proxied: false,
                mode: "per-request", certificateSource: index == 5 ? "none" : "tls", certificate: index == 5 ? nil : CertificateSummary(alice),
                decision: Decision(reason: index == 5 ? .certificateRequired : .allowed, account: index == 5 ? nil : "alice", mapping: nil, trace: trace, generation: 2),
                durationMicros: index * 1234, run: index == 6 ? nil : "r0000abcd",
                observed: index == 4 ? ObservedAnswer(proxy: "nginx", status: 400, source: "access.log:4", verify: "FAILED:certificate has expired") : nil)
        }
        let session = ReplaySession(requests: records, certificates: [alice.sha256.colonHex: alice], context: [records[0].key])
        let times = [records[1].key: Date(timeIntervalSince1970: 1_764_963_924.25), records[2].key: Date(timeIntervalSince1970: 0.0015)]
        let written = try JSONDecoder().decode(HARDocument.self, from: HARWriter.data(from: session, times: times))
        XCTAssertEqual(written, HARConversion.document(from: session, times: times))
        let reread = HARConversion.session(from: written)
        XCTAssertEqual(reread.requests, records)
        XCTAssertEqual(reread.context, [records[0].key])
        XCTAssertEqual(Set(reread.certificates.keys), [alice.sha256.colonHex])
    }
}
