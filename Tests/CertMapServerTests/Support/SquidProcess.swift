import CertMapTestSupport
import Foundation
import XCTest

/// A real squid (Debian package) started by a test as a CONNECT proxy in front of certmap: it
/// tunnels only to loopback and opens its upstream connections from 127.0.0.2, the demo
/// configuration's proxied-connection address, so the server sees a proxied connection exactly
/// as IIS 4.0 did behind a proxy (KB Q190009). A tunnel carries the client's own TLS, so squid
/// can neither add nor strip headers in it.
enum SquidProcess {
    static let binary = "/usr/sbin/squid"

    static func start(_ testCase: XCTestCase) async throws -> PeerProcess {
        try PeerProcess.require(binary, package: "squid")
        let directory = try PeerProcess.makeDirectory("squid")
        // Run as root, squid drops to the `proxy` user, which must be able to write its logs.
        try? FileManager.default.setAttributes([.ownerAccountName: "proxy", .groupOwnerAccountName: "proxy"], ofItemAtPath: directory.path)
        let port = try PeerProcess.freePort()
        let configuration = directory.appendingPathComponent("squid.conf")
        try config(port: port, directory: directory.path).write(to: configuration, atomically: true, encoding: .utf8)
        // Stopping gracefully takes squid about two seconds; a test has nothing to save.
        return try await PeerProcess.start(
            testCase, name: "squid", binary: binary, arguments: ["-N", "-f", configuration.path],
            port: port, directory: directory, log: directory.appendingPathComponent("stderr.log"), stopSignal: SIGKILL)
    }

    private static func config(port: Int, directory: String) -> String {
        """
        http_port 127.0.0.1:\(port)
        acl SSL_ports port 1-65535
        acl to_loopback dst 127.0.0.0/8 ::1
        acl CONNECT method CONNECT
        http_access deny !CONNECT
        http_access deny CONNECT !SSL_ports
        http_access allow localhost CONNECT to_loopback
        http_access deny all
        tcp_outgoing_address 127.0.0.2
        cache deny all
        cache_mem 0 MB
        netdb_filename none
        pinger_enable off
        pid_filename \(directory)/squid.pid
        cache_log \(directory)/cache.log
        access_log stdio:\(directory)/access.log
        cache_store_log none
        digest_generation off
        coredump_dir \(directory)
        icp_port 0
        htcp_port 0
        visible_hostname localhost
        dns_nameservers 127.0.0.1
        udp_incoming_address 127.0.0.1
        hosts_file /etc/hosts
        cache_effective_user proxy
        shutdown_lifetime 0 seconds

        """
    }
}
