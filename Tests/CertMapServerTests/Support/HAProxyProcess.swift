import CertMapTestSupport
import Foundation
import XCTest

/// A real HAProxy (Debian package) started by a test as a TLS-terminating proxy in front of
/// certmap, forwarding the client certificate as base64 DER in `X-SSL-Client-DER`
/// (`%[ssl_c_der,base64]`). Done right, its upstream connections come from 127.0.0.3 (`source`)
/// presenting proxy.crt (`crt`): the demo configuration's certificate forwarder.
enum HAProxyProcess {
    static let binary = "/usr/sbin/haproxy"

    /// What a real HAProxy configuration gets wrong in front of certmap.
    enum Slip: Hashable {
        /// No `source 127.0.0.3`: upstream connections come from 127.0.0.1.
        case noSource
        /// No `crt` on the server line: HAProxy presents no certificate to certmap.
        case noUpstreamCertificate
    }

    static func start(_ testCase: XCTestCase, upstreamPort: Int, pki: URL, slips: Set<Slip> = []) async throws -> PeerProcess {
        try PeerProcess.require(binary, package: "haproxy")
        let directory = try PeerProcess.makeDirectory("haproxy")
        let port = try PeerProcess.freePort()
        let path = { (name: String) in pki.appendingPathComponent(name).path }
        // HAProxy wants certificate and key in one file.
        for (name, pem) in [("server", "server.pem"), ("proxy", "proxy.pem")] {
            let combined = try String(contentsOfFile: path("\(name).crt"), encoding: .utf8) + String(contentsOfFile: path("\(name).key"), encoding: .utf8)
            try combined.write(to: directory.appendingPathComponent(pem), atomically: true, encoding: .utf8)
        }
        let source = slips.contains(.noSource) ? "" : " source 127.0.0.3"
        let certificate = slips.contains(.noUpstreamCertificate) ? "" : " crt \(directory.appendingPathComponent("proxy.pem").path)"
        let configuration = """
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend edge
                bind 127.0.0.1:\(port) ssl crt \(directory.appendingPathComponent("server.pem").path) verify optional ca-file \(path("ca-bundle.pem")) crt-ignore-err all ca-ignore-err all
                http-request set-header X-SSL-Client-DER %[ssl_c_der,base64] if { ssl_c_used }
                default_backend certmap
            backend certmap
                server certmap 127.0.0.1:\(upstreamPort) ssl ca-file \(path("ca-bundle.pem")) verify required sni str(localhost)\(certificate)\(source)

            """
        let file = directory.appendingPathComponent("haproxy.cfg")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let errors = directory.appendingPathComponent("haproxy.err")
        return try await PeerProcess.start(testCase, name: "haproxy", binary: binary, arguments: ["-db", "-f", file.path], port: port, directory: directory, log: errors)
    }
}
