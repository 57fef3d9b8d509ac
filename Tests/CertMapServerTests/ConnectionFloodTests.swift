import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// Connections that never start TLS: one address cannot take every slot, and a connection
/// that does not complete its handshake in time is closed.
final class ConnectionFloodTests: XCTestCase {
    private func limitEvents(_ harness: ServerHarness) -> [SecurityEvent] {
        harness.service.events.recent().compactMap { event in
            if case .security(let security) = event.kind, security.category == .limit { return security }
            return nil
        }
    }

    func testElevenHundredIdleConnectionsFromOneAddressDoNotLockOtherClientsOut() async throws {
        // Fewer slots in all than the flood has connections, and a long handshake deadline: only
        // the per-address limit (256) can be what keeps the door open.
        let harness = try await ServerHarness.start(self) { document in
            document.server.limits.maxConnections = 1_000
            document.server.limits.handshakeTimeoutSeconds = 120
        }
        // The flood comes from another process: Foundation's Process cannot spawn curl from a
        // process holding more than FD_SETSIZE descriptors.
        let opened = try FloodProcess.start(self, count: 1_100, from: "127.0.0.5", to: harness.port)
        XCTAssertEqual(opened, 1_100, "every flood connection was accepted by the kernel")
        let alice = try await ExternalClients.run("curl", [
            "-sS", "--max-time", "5", "--cacert", harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path,
            "--cert", harness.credential("alice").certificate, "--key", harness.credential("alice").key,
            "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(harness.port)/",
        ])
        XCTAssertEqual(alice.stdout, "200", alice.stderr)
        let refusals = limitEvents(harness).filter { $0.message.contains("connections from 127.0.0.5 are already open (server.limits.maxConnectionsPerAddress)") }
        XCTAssertFalse(refusals.isEmpty, "the flood beyond 256 connections from one address is refused with an event")
        XCTAssertLessThanOrEqual(refusals.count, 5, "844 refused connections are reported at most once per second, not once each")
    }

    /// A busy TLS-terminating proxy keeps hundreds of connections open (nginx `keepalive 400`);
    /// from a configured forwarder's address they are held to `maxConnectionsPerProxyAddress`,
    /// not to a single client's 256. Admission happens at accept, so silent connections stand
    /// for kept-alive ones here.
    func testFourHundredConnectionsFromAForwarderAddressAreAllAdmitted() async throws {
        let harness = try await ServerHarness.start(self) { document in
            document.server.limits.handshakeTimeoutSeconds = 120
            document.server.certificateForwarders = [CertificateForwarderEntry(name: "edge", sha256: String(repeating: "AB", count: 32), address: "127.0.0.3")]
        }
        let opened = try FloodProcess.start(self, count: 400, from: "127.0.0.3", to: harness.port)
        XCTAssertEqual(opened, 400)
        let held = await eventually { harness.service.openConnectionCount >= 400 }
        XCTAssertTrue(held, "open: \(harness.service.openConnectionCount)")
        XCTAssertEqual(limitEvents(harness).map(\.message), [], "no connection from the forwarder was refused")
    }

    /// ab and many HTTP clients end a kept-alive connection by closing the socket, without TLS
    /// close_notify: that is the end of a connection, not a failed handshake or a security event.
    func testAClientClosingAnEstablishedConnectionWithoutCloseNotifyIsNotAHandshakeFailure() async throws {
        let harness = try await ServerHarness.start(self)
        let script = """
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            context.check_hostname = False
            context.load_cert_chain(sys.argv[3], sys.argv[4])
            for _ in range(3):
                raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                tls = context.wrap_socket(raw, server_hostname="localhost")
                tls.sendall(b"GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                answer = tls.recv(65536)
                print(answer.split(b" ")[1].decode(), flush=True)
                raw.close()  # no close_notify, as ab does
            """
        let (certificate, key) = harness.credential("alice")
        let output = try await ExternalTool.run(
            "python3", ["-c", script, String(harness.port), harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem").path, certificate, key])
        XCTAssertEqual(output.stdout, "200\n200\n200\n", output.stderr)
        let closed = await eventually {
            harness.service.events.recent().filter { if case .connectionClosed = $0.kind { true } else { false } }.count == 3
        }
        XCTAssertTrue(closed)
        let security = harness.service.events.recent().compactMap { if case .security(let event) = $0.kind { event.message } else { nil } }
        XCTAssertEqual(security, [], "a client hang-up is not a TLS failure")
    }

    func testAConnectionThatNeverStartsTLSIsClosedAtTheHandshakeDeadline() async throws {
        let harness = try await ServerHarness.start(self) { $0.server.limits.handshakeTimeoutSeconds = 0.3 }
        let idle = try IdleConnections(count: 1, from: "127.0.0.1", to: harness.port)
        defer { idle.close() }
        XCTAssertTrue(idle.waitForClose(seconds: 10), "the server closed the silent connection")
        XCTAssertTrue(limitEvents(harness).contains { $0.message == "TLS handshake not received within 0.3s (server.limits.handshakeTimeoutSeconds)" }, "\(limitEvents(harness))")
    }
}

/// A python3 process holding `count` silent TCP connections from `source` until the test ends;
/// it prints how many it opened once they all are.
private enum FloodProcess {
    static func start(_ testCase: XCTestCase, count: Int, from source: String, to port: Int) throws -> Int {
        let script = """
            import socket, time
            held = []
            for _ in range(\(count)):
                s = socket.socket()
                s.bind(("\(source)", 0))
                s.connect(("127.0.0.1", \(port)))
                held.append(s)
            print(len(held), flush=True)
            time.sleep(600)
            """
        return Int(try PythonHelper.start(testCase, script: script).readyLine) ?? 0
    }
}

/// Plain TCP connections from a chosen loopback address, held open and silent.
private final class IdleConnections {
    private var descriptors: [Int32] = []

    init(count: Int, from source: String, to port: Int) throws {
        for _ in 0..<count {
            let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw PeerUnavailable(description: "socket() failed after \(descriptors.count) connections") }
            descriptors.append(descriptor)
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            var remote = sockaddr_in()
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            remote.sin_addr.s_addr = inet_addr("127.0.0.1")
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, size) } }
            let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, size) } }
            guard bound == 0, connected == 0 else { throw PeerUnavailable(description: "cannot connect from \(source) (connection \(descriptors.count))") }
        }
    }

    /// Whether the first connection is closed by the server within `seconds` (a read returns end of file).
    func waitForClose(seconds: Int) -> Bool {
        guard let descriptor = descriptors.first else { return false }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return Glibc.read(descriptor, &byte, 1) == 0
    }

    func close() {
        descriptors.forEach { Glibc.close($0) }
        descriptors = []
    }
}
