import CertMapTestSupport
import Foundation
import XCTest

/// A real application for gateway tests: Python's `http.server` (HTTP/1.1, threads) in its own
/// process on 127.0.0.1, logging every request it receives — method, path, headers, body length
/// and SHA-256, the client port (to see upstream keep-alive) — as JSON lines in a file the test
/// reads. `GET /bytes/N` streams N bytes; `/slow/S` answers after S seconds; anything else is
/// answered with the same facts as JSON.
final class EchoBackend {
    struct Seen: Decodable {
        let method: String
        let path: String
        let headers: [[String]]
        let bodyLength: Int
        let bodySHA256: String
        let clientPort: Int

        /// Every value of `name` (case-insensitive).
        func values(_ name: String) -> [String] {
            headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
        }
    }

    let port: Int
    let url: String
    private let log: URL

    static let script = #"""
import hashlib, json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        digest, total = hashlib.sha256(), 0
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    chunk = self.rfile.read(min(remaining, 65536))
                    digest.update(chunk); total += len(chunk); remaining -= len(chunk)
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length", "0") or "0")
            while remaining:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                digest.update(chunk); total += len(chunk); remaining -= len(chunk)
        return total, digest.hexdigest()

    def handle_any(self):
        length, sha = self.read_body()
        seen = {"method": self.command, "path": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                "bodyLength": length, "bodySHA256": sha, "clientPort": self.client_address[1]}
        with open(LOG, "a") as f:
            f.write(json.dumps(seen) + "\n")
        if self.path.startswith("/bytes/"):
            n = int(self.path.split("/")[2])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.send_header("Connection", "keep-alive")
            self.send_header("Keep-Alive", "timeout=5")
            self.end_headers()
            block = b"x" * 65536
            while n > 0:
                self.wfile.write(block[:min(n, 65536)]); n -= min(n, 65536)
            return
        if self.path.startswith("/slow/"):
            time.sleep(float(self.path.split("/")[2]))
        body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-App", "echo")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

    /// Starts the backend, or skips the test when python3 is missing (outside CI).
    static func start(_ testCase: XCTestCase) throws -> EchoBackend {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-echo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("seen.jsonl")
        try Data().write(to: log)
        // The script prints its port once it listens.
        let helper = try PythonHelper.start(testCase, script: script, arguments: [log.path])
        guard let port = Int(helper.readyLine) else {
            throw NSError(domain: "EchoBackend", code: 1, userInfo: [NSLocalizedDescriptionKey: "python3 backend did not start listening"])
        }
        return EchoBackend(port: port, log: log)
    }

    private init(port: Int, log: URL) {
        self.port = port
        self.url = "http://127.0.0.1:\(port)"
        self.log = log
    }

    /// Every request the application received so far, in order.
    func seen() throws -> [Seen] {
        let text = try String(contentsOf: log, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Seen.self, from: Data($0.utf8)) }
    }
}
