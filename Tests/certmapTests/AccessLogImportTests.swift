import CertMapTestSupport
import Foundation
import XCTest

/// Real proxies write real access logs with the lines `certmap logformat` prints, under real
/// curl traffic from the demo users; `certmap import log`, `replay --dry-run` and
/// `diagnose --session` then say what certmap would have decided for each request.
final class AccessLogImportTests: XCTestCase {
    /// The demo users sent through every proxy, and what certmap decides for each with the demo
    /// configuration: alice is mapped, erin has no mapping, the others fail validation.
    private static let expected: [(user: String?, now: String)] = [
        ("alice", "200 alice"), ("erin", "401.2"), ("expired", "403.17"), ("revoked", "403.13"), ("impostor", "403.16"), (nil, "403.7"),
    ]

    /// `certmap logformat PROXY --log LOG`, split at its first blank line into the part for the
    /// proxy's outer block (nginx http, HAProxy global) and the part for the TLS server block.
    private func logFormat(_ certmap: CertMapProcess, _ proxy: String, log: URL) throws -> (outer: String, server: String) {
        let printed = try CertMapProcess.execute(CertMapProcess.binary, ["logformat", proxy, "--log", log.path])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        guard let gap = printed.stdout.range(of: "\n\n") else { return ("", printed.stdout) }
        return (String(printed.stdout[..<gap.lowerBound]), String(printed.stdout[gap.upperBound...]))
    }

    /// Sends each demo user's request (and one without a certificate), two of alice's on one connection.
    private func sendTraffic(_ certmap: CertMapProcess, port: Int) throws {
        let base = ["-sk", "--resolve", "localhost:\(port):127.0.0.1", "-o", "/dev/null", "-w", "%{http_code} "]
        for (user, _) in Self.expected {
            let identity = user.map { ["--cert", certmap.pki.appendingPathComponent("\($0).crt").path, "--key", certmap.pki.appendingPathComponent("\($0).key").path] } ?? []
            let sent = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), base + identity + ["https://localhost:\(port)/"])
            XCTAssertFalse(sent.stdout.isEmpty, "curl as \(user ?? "nobody"): \(sent.stderr)")
        }
        let alice = ["--cert", certmap.pki.appendingPathComponent("alice.crt").path, "--key", certmap.pki.appendingPathComponent("alice.key").path]
        _ = try CertMapProcess.execute(URL(fileURLWithPath: "/usr/bin/curl"), base + alice + ["https://localhost:\(port)/a", "-o", "/dev/null", "https://localhost:\(port)/b"])
    }

    /// Imports `log`, replays it dry and diagnoses it; checks every user's "now".
    private func importAndCheck(_ certmap: CertMapProcess, proxy: String, log: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let imported = try certmap.run(["import", "log", log.path, "--format", proxy, "--name", "real"])
        XCTAssertEqual(imported.status, 0, imported.stderr, file: file, line: line)
        XCTAssertTrue(imported.stdout.contains("8 request(s)"), imported.stdout, file: file, line: line)
        let replay = try certmap.run(["replay", "real", "--dry-run"])
        XCTAssertTrue(replay.stderr.isEmpty || !replay.stderr.contains("error"), replay.stderr, file: file, line: line)
        let rows = replay.stdout.split(separator: "\n").map(String.init)
        for (user, now) in Self.expected {
            let identity = user.map { $0 == "expired" || $0 == "revoked" ? "\($0)-user" : $0 == "impostor" ? "alice" : $0 } ?? "-"
            let row = rows.first { row in
                let columns = row.split(separator: " ", omittingEmptySubsequences: true)
                return columns.count > 5 && columns[4] == identity && row.contains(" \(now)")
            }
            XCTAssertNotNil(row, "\(proxy): \(user ?? "no certificate") should now get \(now)\n\(replay.stdout)", file: file, line: line)
        }
        XCTAssertEqual(rows.filter { $0.contains("200 alice") }.count, 3, "alice's three requests\n\(replay.stdout)", file: file, line: line)
        let diagnosis = try certmap.run(["diagnose", "--session", "real"])
        XCTAssertEqual(diagnosis.status, 0, diagnosis.stderr, file: file, line: line)
        for cause in ["401.2  valid certificate, no mapping", "403.17  expired certificate", "403.13  revoked certificate", "403.16  mapped user's subject from an untrusted issuer", "403.7"] {
            XCTAssertTrue(diagnosis.stdout.contains(cause), "\(proxy): diagnosis lacks \(cause)\n\(diagnosis.stdout)", file: file, line: line)
        }
    }

    func testNginxLogImportedReplaysAliceAsAllowedAndEveryoneElseWithTheirSubstatus() async throws {
        try PeerProcess.require("/usr/sbin/nginx", package: "nginx")
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let directory = try PeerProcess.makeDirectory("nginx-log")
        let log = directory.appendingPathComponent("access.log")
        let (outer, server) = try logFormat(certmap, "nginx", log: log)
        let port = try PeerProcess.freePort()
        let pki = certmap.pki.path
        let configuration = """
            worker_processes 1;
            pid \(directory.path)/nginx.pid;
            events { worker_connections 64; }
            http {
            \(outer)
                client_body_temp_path \(directory.path); proxy_temp_path \(directory.path); fastcgi_temp_path \(directory.path);
                uwsgi_temp_path \(directory.path); scgi_temp_path \(directory.path);
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(pki)/server.crt;
                    ssl_certificate_key \(pki)/server.key;
                    ssl_client_certificate \(pki)/ca-bundle.pem;
            \(server)
                    location / { return 200 "ok\\n"; }
                }
            }
            """
        let file = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let errors = directory.appendingPathComponent("error.log")
        let nginx = try await PeerProcess.start(
            self, name: "nginx", binary: "/usr/sbin/nginx", arguments: ["-c", file.path, "-p", directory.path, "-e", errors.path, "-g", "daemon off;"],
            port: port, directory: directory, log: errors)
        try sendTraffic(certmap, port: port)
        _ = nginx
        try importAndCheck(certmap, proxy: "nginx", log: log)
    }

    func testHAProxyLogImportedReplaysAliceAsAllowedAndEveryoneElseWithTheirSubstatus() async throws {
        try PeerProcess.require("/usr/sbin/haproxy", package: "haproxy")
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let directory = try PeerProcess.makeDirectory("haproxy-log")
        let log = directory.appendingPathComponent("access.log")
        let (outer, server) = try logFormat(certmap, "haproxy", log: log)
        let port = try PeerProcess.freePort()
        let pki = certmap.pki.path
        let combined = directory.appendingPathComponent("server.pem")
        let certificate = try String(contentsOfFile: "\(pki)/server.crt", encoding: .utf8)
        let key = try String(contentsOfFile: "\(pki)/server.key", encoding: .utf8)
        try (certificate + key).write(to: combined, atomically: true, encoding: .utf8)
        let configuration = """
            global
            \(outer)
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend certmap
                bind 127.0.0.1:\(port) ssl crt \(combined.path) verify optional ca-file \(pki)/ca-bundle.pem crt-ignore-err all ca-ignore-err all
            \(server)
                http-request return status 200 content-type text/plain string "ok"

            """
        let file = directory.appendingPathComponent("haproxy.cfg")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let errors = directory.appendingPathComponent("haproxy.err")
        let haproxy = try await PeerProcess.start(
            self, name: "haproxy", binary: "/usr/sbin/haproxy", arguments: ["-db", "-f", file.path],
            port: port, directory: directory, log: errors, output: log)
        try sendTraffic(certmap, port: port)
        _ = haproxy
        let written = await eventually { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 8 }
        XCTAssertTrue(written, "HAProxy logged every request: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        try importAndCheck(certmap, proxy: "haproxy", log: log)
    }

    func testCaddyLogImportedReplaysAliceAsAllowedAndEveryoneElseWithTheirSubstatus() async throws {
        try PeerProcess.require("/usr/bin/caddy", package: "caddy")
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let directory = try PeerProcess.makeDirectory("caddy-log")
        let log = directory.appendingPathComponent("access.log")
        let (outer, server) = try logFormat(certmap, "caddy", log: log)
        let port = try PeerProcess.freePort()
        let pki = certmap.pki.path
        let block = (outer + "\n" + server).replacingOccurrences(of: "SERVER.pem", with: "\(pki)/server.crt").replacingOccurrences(of: "SERVER.key", with: "\(pki)/server.key")
        let configuration = """
            {
            	admin off
            	auto_https off
            }
            https://localhost:\(port) {
            	bind 127.0.0.1
            \(block)
            	respond "ok" 200
            }

            """
        let file = directory.appendingPathComponent("Caddyfile")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let path = directory.path
        let caddy = try await PeerProcess.start(
            self, name: "caddy", binary: "/usr/bin/caddy", arguments: ["run", "--config", file.path, "--adapter", "caddyfile"],
            environment: ["HOME": path, "XDG_CONFIG_HOME": "\(path)/config", "XDG_DATA_HOME": "\(path)/data"],
            port: port, directory: directory, log: directory.appendingPathComponent("caddy.err"))
        try sendTraffic(certmap, port: port)
        _ = caddy
        try importAndCheck(certmap, proxy: "caddy", log: log)
    }
}
