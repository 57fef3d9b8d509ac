import Foundation
import NIOPosix
import XCTest

/// A real nginx (Debian package) started by a test as a TLS-terminating reverse proxy in front of
/// certmap, forwarding the client certificate in `X-SSL-Client-Cert` ($ssl_client_escaped_cert).
/// Its upstream connections come from 127.0.0.3 presenting proxy.crt: the demo configuration's
/// certificate forwarder (pinned certificate, narrowed to that address).
final class NginxProcess: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: URL

    static let binary = "/usr/sbin/nginx"

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    static func start(_ testCase: XCTestCase, upstreamPort: Int, pki: URL) async throws -> NginxProcess {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Unavailable(description: "nginx is not installed at \(binary): apt-get install nginx (.ci/run installs it)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try freePort()
        let configuration = directory.appendingPathComponent("nginx.conf")
        try config(port: port, upstreamPort: upstreamPort, pki: pki, directory: directory).write(to: configuration, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-c", configuration.path, "-p", directory.path, "-e", directory.appendingPathComponent("error.log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let nginx = NginxProcess(port: port, process: process, directory: directory)
        testCase.addTeardownBlock { nginx.stop() }
        try await nginx.waitUntilListening()
        return nginx
    }

    private init(port: Int, process: Process, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// SIGTERM, then SIGKILL if nginx has not exited within two seconds (a child may inherit a
    /// signal mask that makes it ignore SIGTERM).
    func stop() {
        if process.isRunning {
            process.terminate()
            for _ in 0..<40 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    var errorLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
    }

    private func waitUntilListening() async throws {
        for _ in 0..<100 {
            if !process.isRunning { throw Unavailable(description: "nginx exited at start: \(errorLog)") }
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(socket)
            if connected == 0 { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Unavailable(description: "nginx did not listen on 127.0.0.1:\(port) within 5 s: \(errorLog)")
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func config(port: Int, upstreamPort: Int, pki: URL, directory: URL) -> String {
        let path = { (name: String) in pki.appendingPathComponent(name).path }
        let temp = directory.path
        return """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(temp)/nginx.pid;
            error_log \(temp)/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(temp)/body;
                proxy_temp_path \(temp)/proxy;
                fastcgi_temp_path \(temp)/fastcgi;
                uwsgi_temp_path \(temp)/uwsgi;
                scgi_temp_path \(temp)/scgi;
                upstream certmap {
                    server 127.0.0.1:\(upstreamPort);
                    keepalive 4;
                }
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(path("server.crt"));
                    ssl_certificate_key \(path("server.key"));
                    ssl_client_certificate \(path("ca-bundle.pem"));
                    ssl_verify_client optional_no_ca;
                    location / {
                        proxy_pass https://certmap;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_bind 127.0.0.3;
                        proxy_ssl_certificate \(path("proxy.crt"));
                        proxy_ssl_certificate_key \(path("proxy.key"));
                        proxy_ssl_session_reuse on;
                        proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
                        proxy_set_header X-Forwarded-For $remote_addr;
                    }
                }
            }
            """
    }
}
