import CertMapCore
import CertMapJournal
import NIOHTTP1

/// The server's own request pipeline (`RequestAuthenticator`) driven without sockets, for
/// `certmap bench journal`: the records it makes are the records the server would publish for
/// the same connections and requests — every trace step, the certificate summary, the facts —
/// so what reads journals is measured on the real thing, at millions of requests, in seconds.
public struct OfflineRequestPipeline {
    private let generation: ServerGeneration
    private let run: String
    private var connections: [ConnectionID: RequestAuthenticator] = [:]
    private var traces = 0

    /// Decides under `snapshot`'s configuration and trust (from `home`) in `persistence` mode.
    public init(snapshot: ConfigSnapshot, home: DataHome, persistence: AuthPersistence, run: String) {
        self.generation = ServerGeneration.lenient(snapshot, home: home, persistence: persistence)
        self.run = run
    }

    /// The record of one GET of `path` on connection `id` from `peer`, a direct client presenting
    /// `certificate` in its handshake, whose validation gave `check`.
    public mutating func request(
        on id: ConnectionID, peer: String, presenting certificate: CertificateIdentity?, path: String, check: CertificateCheck?, durationMicros: Int
    ) -> RequestRecord? {
        var authenticator = connections[id] ?? RequestAuthenticator(
            connection: ConnectionInfo(id: id, peer: peer, role: .direct, presented: certificate.map { [$0] } ?? []), run: run,
            persistence: generation.persistence)
        defer { connections[id] = authenticator }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "localhost")
        guard case .prepared(let prepared) = authenticator.begin(head, in: generation) else { return nil }
        traces += 1
        let traceID = "t-\(run.dropFirst())-\(String(traces, radix: 16))"
        let outcome = authenticator.finish(prepared, check: prepared.certificateToCheck == nil ? nil : check, traceID: traceID, durationMicros: durationMicros)
        return outcome.record
    }

    /// Forgets connection `id` (it closed).
    public mutating func close(_ id: ConnectionID) {
        connections[id] = nil
    }
}
