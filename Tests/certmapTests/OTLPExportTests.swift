import CertMapTestSupport
import Foundation
import XCTest

/// `certmap serve --otlp`: a receiver built on the official OpenTelemetry protobuf definitions
/// (`opentelemetry-proto` from PyPI) decodes what certmap sends over OTLP/HTTP.
final class OTLPExportTests: XCTestCase {
    /// A python3 that has `opentelemetry-proto`: `$CERTMAP_OTLP_PYTHON` (`.ci/run` makes a
    /// virtual environment), else the first python3 on the usual paths that can import it.
    private func python() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["CERTMAP_OTLP_PYTHON"], "/usr/bin/python3", "/usr/local/bin/python3"]
            + (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        for candidate in candidates.compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: candidate) {
            if let result = try? CertMapProcess.execute(URL(fileURLWithPath: candidate), ["-c", "import opentelemetry.proto.collector.trace.v1.trace_service_pb2"]), result.status == 0 {
                return candidate
            }
        }
        let message = "no python3 with opentelemetry-proto (pip install opentelemetry-proto; .ci/run sets CERTMAP_OTLP_PYTHON)"
        if environment["CERTMAP_REQUIRE_PEERS"] == "1" || environment["CI"] == "true" { throw PeerUnavailable(description: message) }
        throw XCTSkip(message)
    }

    /// An OTLP/HTTP trace receiver: every span it decodes goes to `spans` as one JSON line.
    private static let receiver = #"""
    import json, sys, http.server
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    out = open(sys.argv[1], "a", buffering=1)

    def value(v):
        kind = v.WhichOneof("value")
        return getattr(v, kind) if kind else None

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            request = trace_service_pb2.ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource in request.resource_spans:
                service = {a.key: value(a.value) for a in resource.resource.attributes}.get("service.name")
                for scope in resource.scope_spans:
                    for span in scope.spans:
                        attributes = {a.key: value(a.value) for a in span.attributes}
                        out.write(json.dumps({"service": service, "name": span.name, "kind": span.kind, "status": span.status.code,
                                              "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                                              "path": self.path, "contentType": self.headers.get("Content-Type"),
                                              "attributes": attributes}) + "\n")
            reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    print("ready", server.server_address[1], flush=True)
    server.serve_forever()
    """#

    func testEveryRequestArrivesAtAnOTLPReceiverAsASpanWithTLSAndCertmapAttributes() async throws {
        let python = try python()
        let directory = try PeerProcess.makeDirectory("otlp")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let spansFile = directory.appendingPathComponent("spans.jsonl")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: python)
        receiver.arguments = ["-c", Self.receiver, spansFile.path]
        let output = Pipe()
        receiver.standardOutput = output
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        addTeardownBlock { if receiver.isRunning { kill(receiver.processIdentifier, SIGKILL) } }
        var ready = Data()
        while !ready.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            ready.append(chunk)
        }
        let port = try XCTUnwrap(String(decoding: ready, as: UTF8.self).split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, "receiver did not start")

        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let serve = try ServeProcess(self, certmap: certmap, arguments: ["--otlp", "http://127.0.0.1:\(port)"])
        XCTAssertEqual(try serve.curl(certmap, user: "alice", paths: ["/otlp-alice"]), "200")
        XCTAssertEqual(try serve.curl(certmap, user: "erin", paths: ["/otlp-erin"]), "401")

        let received = { () -> [[String: Any]] in
            let text = (try? String(contentsOf: spansFile, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        _ = await eventually(within: 15) { received().count >= 2 }
        let spans = received()
        let alice = try XCTUnwrap(spans.first { $0["name"] as? String == "GET /otlp-alice" }, "\(spans)")
        let erin = try XCTUnwrap(spans.first { $0["name"] as? String == "GET /otlp-erin" }, "\(spans)")
        XCTAssertEqual(alice["service"] as? String, "certmap")
        XCTAssertEqual(alice["path"] as? String, "/v1/traces")
        XCTAssertEqual(alice["contentType"] as? String, "application/x-protobuf")
        XCTAssertEqual(alice["kind"] as? Int, 2, "SPAN_KIND_SERVER")
        let attributes = try XCTUnwrap(alice["attributes"] as? [String: Any])
        XCTAssertEqual(attributes["certmap.decision"] as? String, "200")
        XCTAssertEqual(attributes["certmap.account"] as? String, "alice")
        XCTAssertEqual(attributes["certmap.cause"] as? String, "allowed")
        XCTAssertTrue((attributes["tls.client.subject"] as? String)?.contains("CN=alice") ?? false, "\(attributes)")
        XCTAssertTrue((attributes["tls.client.issuer"] as? String)?.contains("CertMap Demo Issuing CA") ?? false, "\(attributes)")
        XCTAssertEqual((attributes["tls.client.hash.sha256"] as? String)?.count, 64)
        XCTAssertNotNil(attributes["tls.client.not_before"])
        XCTAssertNotNil(attributes["tls.client.not_after"])
        XCTAssertEqual(attributes["tls.protocol.version"] as? String, "1.3")
        XCTAssertEqual(attributes["tls.resumed"] as? Bool, false, "a full handshake with alice's certificate")
        XCTAssertTrue((attributes["certmap.trace_id"] as? String)?.hasPrefix("t-") ?? false)
        let erinAttributes = try XCTUnwrap(erin["attributes"] as? [String: Any])
        XCTAssertEqual(erinAttributes["certmap.decision"] as? String, "401.2")
        XCTAssertEqual(erinAttributes["certmap.substatus"] as? Int, 2)
        XCTAssertEqual(erin["status"] as? Int, 2, "STATUS_CODE_ERROR for a refusal")
        XCTAssertEqual(serve.stop(), 0)
    }
}
