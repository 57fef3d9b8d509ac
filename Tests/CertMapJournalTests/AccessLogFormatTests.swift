import CertMapCore
import Foundation
import XCTest

@testable import CertMapJournal

/// Lines shaped exactly as nginx 1.22, HAProxy 2.6 and Caddy 2.6 wrote them with the
/// configuration `certmap logformat` prints (captured from the real proxies; the certificates
/// here are the demo PKI's), and Envoy's documented operators.
final class AccessLogFormatTests: XCTestCase {
    private var directory: URL!
    private var home: DataHome!
    private var alice: CertificateIdentity!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-accesslog-\(UUID().uuidString)")
        home = DataHome(url: directory)
        _ = try HomeBootstrap.prepare(home, now: Date())
        alice = try CertificateLoader.certificates(at: home.pkiDirectory.appendingPathComponent("alice.crt"))[0]
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private var escapedPEM: String { ForwardedCertificateEncoder().headers(format: .escapedPEM, leaf: alice.der)[0].value }
    private var base64DER: String { Data(alice.der).base64EncodedString() }

    private func entry(_ format: AccessLogFormat, _ line: String) throws -> AccessLogEntry {
        var cache = CertificateTextCache()
        return try format.entry(from: line, certificates: &cache)
    }

    private func failure(_ format: AccessLogFormat, _ line: String) -> AccessLogLineError? {
        do {
            _ = try entry(format, line)
            return nil
        } catch {
            return error as? AccessLogLineError
        }
    }

    func testNginxLineCarriesTheCertificateTheVerdictAndTheConnection() throws {
        let line = #"{"msec":"1796501649.723","conn":"8","conn_req":"2","remote":"127.0.0.1:41156","method":"GET","uri":"/b?x=1","status":"200","verify":"SUCCESS","s_dn":"CN=alice","sha1":"9eae","cert":"\#(escapedPEM)"}"#
        let read = try entry(.nginx, line)
        XCTAssertEqual(read.certificate, alice)
        XCTAssertEqual(read.connection, "8")
        XCTAssertEqual(read.requestOnConnection, 2)
        XCTAssertEqual(read.client, "127.0.0.1:41156")
        XCTAssertEqual(read.uri, "/b?x=1")
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.verify, "SUCCESS")
        XCTAssertEqual(read.time, Date(timeIntervalSince1970: 1_796_501_649.723))
        let none = try entry(.nginx, #"{"msec":"1.5","conn":"9","conn_req":"1","remote":"127.0.0.1:1","method":"GET","uri":"/","status":"200","verify":"NONE","s_dn":"","sha1":"","cert":""}"#)
        XCTAssertNil(none.certificate)
        XCTAssertNil(none.verify, "NONE: no certificate, no verdict")
        XCTAssertNil(none.subject)
    }

    func testHAProxyLineReadsUsedAndVerifyCodesAsAVerdict() throws {
        let line = #"{"ts":"1796501325.230","conn":"71db4241-da38-4c3b-b0ed-50dc0cf6255e","conn_req":3,"remote":"127.0.0.1:50524","method":"GET","uri":"\/a","status":200,"c_used":1,"verify":10,"s_dn":"CN=alice","cert":"\#(base64DER)"}"#
        let read = try entry(.haproxy, line)
        XCTAssertEqual(read.certificate, alice)
        XCTAssertEqual(read.uri, "/a", "json(utf8s) escapes slashes")
        XCTAssertEqual(read.requestOnConnection, 3)
        XCTAssertEqual(read.verify, "FAILED:X509 error 10")
        let none = try entry(.haproxy, #"{"ts":"1.0","conn":"u","conn_req":1,"remote":"127.0.0.1:2","method":"GET","uri":"\/n","status":200,"c_used":0,"verify":0,"s_dn":"-","cert":"-"}"#)
        XCTAssertNil(none.certificate)
        XCTAssertNil(none.verify, "verify 0 without c_used means no certificate, not a valid one")
    }

    func testCaddyLineTakesTheCertificateFromTheResponseHeaderAndTheConnectionFromTheClientPort() throws {
        let line = #"{"level":"info","ts":1796501170.6515064,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"50074","proto":"HTTP/1.1","method":"GET","host":"localhost:18447","uri":"/a","headers":{"User-Agent":["curl/7.88.1"]},"tls":{"resumed":false,"version":772,"client_common_name":"alice","client_serial":"168939009"}},"duration":0.0001,"size":2,"status":200,"resp_headers":{"Server":["Caddy"],"X-Certmap-Cert":["\#(base64DER)"]}}"#
        let read = try entry(.caddy, line)
        XCTAssertEqual(read.certificate, alice)
        XCTAssertEqual(read.connection, "127.0.0.1:50074")
        XCTAssertNil(read.requestOnConnection)
        XCTAssertNil(read.verify, "Caddy logs no verdict")
        let placeholder = line.replacingOccurrences(of: base64DER, with: "{http.request.tls.client.certificate_der_base64}")
        XCTAssertNil(try entry(.caddy, placeholder).certificate, "an unreplaced placeholder means no certificate")
    }

    func testEnvoyLineInItsDocumentedOperatorsIsRead() throws {
        let line = #"{"time":"2026-12-05T20:10:01.101Z","conn":"7","remote":"127.0.0.1:40100","method":"GET","path":"/a","status":"403","subject":"CN=alice","cert":"\#(escapedPEM)"}"#
        let read = try entry(.envoy, line)
        XCTAssertEqual(read.certificate, alice)
        XCTAssertEqual(read.status, 403)
        XCTAssertEqual(read.time, Date(timeIntervalSince1970: 1_796_501_401.101))
    }

    func testMalformedLinesSayWhatIsWrong() {
        XCTAssertEqual(failure(.nginx, "127.0.0.1 - - [05/Dec/2026] \"GET / HTTP/1.1\" 200"), .notJSON)
        XCTAssertEqual(failure(.nginx, #"{"method":"GET","uri":"/"}"#), .missing("status"))
        XCTAssertEqual(failure(.nginx, #"{"method":"GET","uri":"/","status":"OK"}"#), .badStatus("OK"))
        XCTAssertEqual(failure(.haproxy, #"{"method":"GET","uri":"/","status":200,"cert":"not base64!"}"#), .certificate("the certificate is not base64"))
        if case .certificate = failure(.nginx, #"{"method":"GET","uri":"/","status":"200","cert":"-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A"}"#) {} else {
            XCTFail("a PEM that is not a certificate is an unreadable certificate")
        }
    }

    func testTheImporterGroupsConnectionsKeepsTheVerdictAndCountsWhatItSkipped() async throws {
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let emitted = LockedState<[(record: RequestRecord, certificate: CertificateIdentity?, time: Date?)]>([])
        var importer = AccessLogImporter(
            format: .nginx, source: "access.log", engine: snapshot.engine, since: Date(timeIntervalSince1970: 100),
            check: { _, _ in CertificateCheck(verdict: .valid, notes: []) },
            emit: { record, certificate, time in emitted.withLock { $0.append((record, certificate, time)) } })
        let line = { (msec: String, conn: String, request: String, uri: String, cert: String, subject: String) in
            #"{"msec":"\#(msec)","conn":"\#(conn)","conn_req":"\#(request)","remote":"127.0.0.1:1","method":"GET","uri":"\#(uri)","status":"200","verify":"SUCCESS","s_dn":"\#(subject)","sha1":"","cert":"\#(cert)"}"#
        }
        try await importer.add(line: line("50", "1", "1", "/old", escapedPEM, "CN=alice"), number: 1)
        try await importer.add(line: line("150", "1", "2", "/a", escapedPEM, "CN=alice"), number: 2)
        try await importer.add(line: line("151", "1", "3", "/b", escapedPEM, "CN=alice"), number: 3)
        try await importer.add(line: "garbage", number: 4)
        try await importer.add(line: line("152", "2", "1", "/c", "", "CN=bob"), number: 5)
        try await importer.add(line: "", number: 6)
        importer.addTooLong(number: 7, limit: 1024)
        let requests = emitted.withLock { $0.map(\.record) }
        XCTAssertEqual(importer.requests, 3)
        XCTAssertEqual(requests.map(\.path), ["/a", "/b", "/c"])
        XCTAssertEqual(requests.map(\.connection), [1, 1, 2])
        XCTAssertEqual(requests.map(\.request), [2, 3, 1])
        XCTAssertEqual(requests[0].observed, ObservedAnswer(proxy: "nginx", status: 200, source: "access.log:2", verify: "SUCCESS"))
        XCTAssertEqual(requests[0].decision.account, "alice")
        // A line naming a certificate it does not carry is never treated as valid.
        XCTAssertNil(requests[2].certificate)
        XCTAssertEqual(requests[2].observed?.certificateNotLogged, "CN=bob")
        XCTAssertFalse(requests[2].decision.isAllowed)
        XCTAssertTrue(requests[2].decision.trace.steps.contains { $0.summary.contains("does not carry it") })
        XCTAssertEqual(importer.problems, ["access.log:4: not a JSON object (is this the format certmap logformat prints?)", "access.log:7: longer than 1024 bytes (cut, not read)"])
        XCTAssertEqual(importer.summary, "7 line(s): 3 request(s) on 2 connection(s), 1 naming a certificate the line does not carry (not checked, not mapped), 1 before --since (skipped), 2 malformed (skipped)")
        XCTAssertEqual(emitted.withLock { $0.compactMap(\.certificate) }, [alice, alice], "each request goes out with its certificate")
        XCTAssertEqual(emitted.withLock { $0[0].time }, Date(timeIntervalSince1970: 150))
    }

    func testGzipRotatedLogsAreReadMemberAfterMemberWithLineNumbers() throws {
        let text = (1...5000).map { "line \($0)" }.joined(separator: "\n") + "\r\nlast without newline"
        let bytes = Data(text.utf8)
        let half = bytes.count / 2
        var compressed = try Gzip.member(bytes.prefix(half))
        compressed.append(try Gzip.member(bytes.suffix(from: half)))
        let file = directory.appendingPathComponent("access.log.1.gz")
        try compressed.write(to: file)
        let reader = try LogLineReader(url: file)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(line) }
        XCTAssertEqual(lines.count, 5001)
        XCTAssertEqual(lines[4999], "line 5000", "a CR before the newline is not part of the line")
        XCTAssertEqual(lines.last, "last without newline")
        XCTAssertEqual(reader.lineNumber, 5001)
    }

    func testALineLongerThanTheLimitIsCutAndFlaggedAndTheNextLineStillRead() throws {
        let long = String(repeating: "x", count: LogLineReader.maxLineBytes + 10)
        let file = directory.appendingPathComponent("long.log")
        try Data(("first\n" + long + "\nlast\n").utf8).write(to: file)
        let reader = try LogLineReader(url: file)
        XCTAssertEqual(try reader.next(), "first")
        XCTAssertFalse(reader.isTruncated)
        XCTAssertEqual(try reader.next()?.utf8.count, LogLineReader.maxLineBytes)
        XCTAssertTrue(reader.isTruncated, "the over-long line is reported, not held whole")
        XCTAssertEqual(try reader.next(), "last")
        XCTAssertEqual(reader.lineNumber, 3)
        XCTAssertNil(try reader.next())
    }

    func testAMissingLogIsOneClearError() {
        XCTAssertThrowsError(try LogLineReader(url: directory.appendingPathComponent("nope.log"))) { error in
            XCTAssertTrue("\(error)".contains("nope.log"), "\(error)")
        }
    }

    func testLinesAreReadIntoTheSameObjectsJSONSerializationGives() throws {
        let lines = [
            #"{"level":"info","ts":1796501170.6515064,"request":{"remote_port":"50074","headers":{"User-Agent":["curl/7.88.1"]},"tls":{"resumed":false,"version":772}},"duration":1e-4,"size":-2,"status":200,"none":null,"empty":{},"list":[]}"#,
            #"{"msec":"1796501649.723","uri":"/b?x=1&y=\u00e9\"q\"\\\/","s_dn":"CN=ünï ✓ \ud83d\ude00","cert":"-----BEGIN%20CERTIFICATE-----%0A"}"#,
            #"  {"a" : [ {"b": [1, 2.5, true]} ] }  "#,
            #"{"escaped key":"v"}"#,
        ]
        for line in lines {
            let ours = try XCTUnwrap(AccessLogFormat.object(line), line)
            let theirs = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
            // Compared as JSONSerialization writes each back (sorted keys): the same strings,
            // numbers, booleans and nulls in the same places.
            let canonical = { (object: [String: Any]) in
                String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
            }
            XCTAssertEqual(canonical(ours), canonical(theirs), line)
            XCTAssertFalse(canonical(ours).isEmpty, line)
        }
        for broken in [#"{"a":1} trailing"#, #"{"a":"#, #"["not","an","object"]"#, "plain text"] {
            XCTAssertNil(AccessLogFormat.object(broken), broken)
        }
    }
}
