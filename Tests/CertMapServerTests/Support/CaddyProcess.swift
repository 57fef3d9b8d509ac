import CertMapTestSupport
import Foundation
import XCTest

/// A real Caddy (Debian package) started by a test as a TLS-terminating reverse proxy in front of
/// certmap. It asks clients for a certificate (optional, verified against the demo issuing CA),
/// removes any `Client-Cert` header a client sent, forwards the verified certificate as RFC 9440
/// `Client-Cert: :<DER base64>:` and presents proxy.crt to certmap, which must name it in
/// `server.certificateForwarders` (its connections come from 127.0.0.1).
enum CaddyProcess {
    static let binary = "/usr/bin/caddy"

    static func start(_ testCase: XCTestCase, upstreamPort: Int, pki: URL) async throws -> PeerProcess {
        try PeerProcess.require(binary, package: "caddy")
        let directory = try PeerProcess.makeDirectory("caddy")
        let port = try PeerProcess.freePort()
        let configuration = directory.appendingPathComponent("Caddyfile")
        try config(port: port, upstreamPort: upstreamPort, pki: pki).write(to: configuration, atomically: true, encoding: .utf8)
        let path = directory.path
        return try await PeerProcess.start(
            testCase, name: "caddy", binary: binary, arguments: ["run", "--config", configuration.path, "--adapter", "caddyfile"],
            environment: ["HOME": path, "XDG_CONFIG_HOME": "\(path)/config", "XDG_DATA_HOME": "\(path)/data"],
            port: port, directory: directory, log: directory.appendingPathComponent("caddy.log"))
    }

    /// Caddy reads only the first certificate of `trusted_ca_cert_file`, so it trusts the issuing
    /// CA itself (which signed both the users' and the server's certificates).
    private static func config(port: Int, upstreamPort: Int, pki: URL) -> String {
        let path = { (name: String) in pki.appendingPathComponent(name).path }
        return """
            {
                admin off
                auto_https off
                servers {
                    protocols h1 h2
                    strict_sni_host insecure_off
                }
            }
            https://:\(port) {
                bind 127.0.0.1
                tls \(path("server.crt")) \(path("server.key")) {
                    client_auth {
                        mode verify_if_given
                        trusted_ca_cert_file \(path("intermediate-ca.crt"))
                    }
                }
                @hascert vars_regexp {http.request.tls.client.certificate_der_base64} ^[A-Za-z0-9+/]+=*$
                route {
                    request_header -Client-Cert
                    request_header @hascert Client-Cert ":{http.request.tls.client.certificate_der_base64}:"
                    reverse_proxy https://127.0.0.1:\(upstreamPort) {
                        transport http {
                            tls_client_auth \(path("proxy.crt")) \(path("proxy.key"))
                            tls_trusted_ca_certs \(path("intermediate-ca.crt"))
                            tls_server_name localhost
                        }
                    }
                }
            }

            """
    }
}
