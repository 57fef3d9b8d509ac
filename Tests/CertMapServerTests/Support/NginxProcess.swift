import CertMapTestSupport
import Foundation
import XCTest

/// A real nginx (Debian package) started by a test as a TLS-terminating reverse proxy in front of
/// certmap, forwarding the client certificate in `X-SSL-Client-Cert` ($ssl_client_escaped_cert).
/// Its upstream connections come from 127.0.0.3 presenting proxy.crt: the demo configuration's
/// certificate forwarder (pinned certificate, narrowed to that address).
enum NginxProcess {
    static let binary = "/usr/sbin/nginx"

    /// The mistakes real nginx configurations make in front of certmap, to test their diagnosis.
    enum Slip: Hashable {
        /// No `proxy_bind`: upstream connections come from 127.0.0.1, not the forwarder's address.
        case noProxyBind
        /// No `proxy_ssl_certificate`: nginx presents no certificate to certmap.
        case noUpstreamCertificate
        /// The subject DN and verify status instead of the certificate.
        case distinguishedNameOnly
    }

    static func start(_ testCase: XCTestCase, upstreamPort: Int, pki: URL, slips: Set<Slip> = []) async throws -> PeerProcess {
        try PeerProcess.require(binary, package: "nginx")
        let directory = try PeerProcess.makeDirectory("nginx")
        let port = try PeerProcess.freePort()
        let configuration = directory.appendingPathComponent("nginx.conf")
        try config(port: port, upstreamPort: upstreamPort, pki: pki, directory: directory, slips: slips).write(to: configuration, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("error.log")
        return try await PeerProcess.start(
            testCase, name: "nginx", binary: binary, arguments: ["-c", configuration.path, "-p", directory.path, "-e", log.path],
            port: port, directory: directory, log: log)
    }

    private static func config(port: Int, upstreamPort: Int, pki: URL, directory: URL, slips: Set<Slip>) -> String {
        let path = { (name: String) in pki.appendingPathComponent(name).path }
        let temp = directory.path
        let bind = slips.contains(.noProxyBind) ? "" : "proxy_bind 127.0.0.3;"
        let upstreamCertificate = slips.contains(.noUpstreamCertificate) ? "" : "proxy_ssl_certificate \(path("proxy.crt"));\n            proxy_ssl_certificate_key \(path("proxy.key"));"
        let forwarded = slips.contains(.distinguishedNameOnly)
            ? "proxy_set_header X-SSL-Client-S-DN $ssl_client_s_dn;\n            proxy_set_header X-SSL-Client-Verify $ssl_client_verify;"
            : "proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;"
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
                        \(bind)
                        \(upstreamCertificate)
                        proxy_ssl_session_reuse on;
                        \(forwarded)
                        proxy_set_header X-Forwarded-For $remote_addr;
                    }
                }
            }
            """
    }
}
