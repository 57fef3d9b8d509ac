import CertMapCore
import CertMapJournal
import Foundation

/// The events a busy server publishes, at a chosen rate, for `certmap bench console`: requests
/// decided by the real engine over the demo mappings (so each carries a real trace), eight to a
/// kept-alive connection, with the connection's open and close events around them.
final class ConsoleFloodWorkload: @unchecked Sendable {
    private let templates: [RequestRecord]

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-bench-console-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try DemoPKI.initialize(in: directory, now: Date())
        let engine = try ConfigSnapshot(document: DemoConfiguration.make(pkiDirectory: directory), generation: 1).engine
        var templates: [RequestRecord] = []
        for user in ["alice", "bob", "carol", "erin"] {
            let identity = try CertificateLoader.certificates(at: directory.appendingPathComponent("\(user).crt"))[0]
            for path in ["/", "/portal/", "/portal/inbox", "/admin/", "/img/logo.png"] {
                let decision = engine.decide(AuthenticationRequest(path: path, certificate: identity, check: CertificateCheck(verdict: .valid, notes: [])))
                templates.append(RequestRecord(
                    traceID: "t-0", connection: 0, request: 0, method: "GET", path: path, peer: "127.0.0.1:50000", route: "direct",
                    proxied: false, mode: "per-request", certificateSource: "tls", certificate: CertificateSummary(identity),
                    decision: decision, durationMicros: 40))
            }
        }
        self.templates = templates
    }

    static let requestsPerConnection = 8

    /// Publishes about `rate` events a second on `bus` until `deadline`, in 1 ms slices;
    /// returns how many it published.
    func publish(on bus: EventBus, rate: Int, until deadline: ContinuousClock.Instant) -> Int {
        let started = ContinuousClock.now
        var published = 0
        var request = 0
        var connection: ConnectionID = 0
        while ContinuousClock.now < deadline {
            let elapsed = ContinuousClock.now - started
            let due = Int(Double(rate) * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            while published < due {
                let index = request % Self.requestsPerConnection
                if index == 0 {
                    connection += 1
                    bus.publish(.connectionOpened(ConnectionOpened(
                        connection: connection, peer: "127.0.0.1:\(40000 + Int(connection % 20000))", local: "127.0.0.1:8443", peerIsTrustedProxy: false,
                        tlsVersion: "TLSv1.3", cipherSuite: nil, certificate: templates[request % templates.count].certificate)))
                    published += 1
                }
                let template = templates[request % templates.count]
                bus.publish(.request(RequestRecord(
                    traceID: "t-\(String(request, radix: 16))", connection: connection, request: index + 1, method: template.method, path: template.path,
                    peer: template.peer, route: template.route, proxied: false, mode: template.mode, certificateSource: template.certificateSource,
                    certificate: template.certificate, decision: template.decision, durationMicros: template.durationMicros)))
                published += 1
                request += 1
                if index == Self.requestsPerConnection - 1 {
                    bus.publish(.connectionClosed(ConnectionClosed(connection: connection, requests: Self.requestsPerConnection, reason: "client closed")))
                    published += 1
                }
            }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return published
    }
}
