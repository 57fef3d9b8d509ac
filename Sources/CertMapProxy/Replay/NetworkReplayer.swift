import CertMapCore
import CertMapJournal
import Foundation

/// Replays a recorded session over the network: each recorded connection becomes one kept-alive
/// connection of a synthetic client, through the same route (direct, forward tunnel, reverse
/// proxy), presenting the same certificate, sending the same requests in the same order — so the
/// server's persistence plays out exactly as it did, and the answers can be compared `was → now`.
///
/// A certificate is usable only when its private key is at hand (the demo PKI and load users);
/// requests whose key is not are reported as not replayed rather than sent without a certificate.
public struct NetworkReplayer: Sendable {
    public let client: SyntheticClient
    /// Identities with keys, by certificate SHA-256 (colon hex, as requests record it).
    public let credentials: [String: ClientIdentity]

    public init(client: SyntheticClient, credentials: [String: ClientIdentity]) {
        self.client = client
        self.credentials = credentials
    }

    /// Every `NAME.crt` with a `NAME.key` next to it in `directory`, by SHA-256.
    public static func credentials(in directory: URL) -> [String: ClientIdentity] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".crt") }
        var credentials: [String: ClientIdentity] = [:]
        for file in names {
            let name = String(file.dropLast(4))
            let key = directory.appendingPathComponent("\(name).key")
            guard FileManager.default.fileExists(atPath: key.path),
                let certificate = try? CertificateLoader.certificates(at: directory.appendingPathComponent(file)).first
            else { continue }
            credentials[certificate.sha256.colonHex] = ClientIdentity(name: name, certificate: directory.appendingPathComponent(file), key: key)
        }
        return credentials
    }

    /// The route a recorded request is re-sent through: `proxied` (only proxy headers said so)
    /// goes direct with a `Via` header, as it came.
    static func route(of record: RequestRecord) -> (ClientRoute, [String: String]) {
        switch record.route {
        case "forward": return (.forward, [:])
        case "reverse": return (.reverse, [:])
        case "proxied": return (.direct, ["Via": "1.1 certmap-replay"])
        default: return (.direct, [:])
        }
    }

    public func replay(_ session: ReplaySession, mode: String, generation: UInt64, progress: (@Sendable (Int, Int) -> Void)? = nil) async -> ReplayReport {
        var order: [ConnectionID] = []
        var byConnection: [ConnectionID: [RequestRecord]] = [:]
        for record in session.requests {
            if byConnection[record.connection] == nil { order.append(record.connection) }
            byConnection[record.connection, default: []].append(record)
        }
        var outcomes: [ReplayOutcome] = []
        for connection in order {
            let records = byConnection[connection] ?? []
            guard let first = records.first else { continue }
            let identity: ClientIdentity?
            if let fingerprint = first.certificate?.sha256 {
                identity = credentials[fingerprint]
            } else {
                identity = ClientIdentity(name: "none", certificate: nil, key: nil)
            }
            guard let identity else {
                outcomes += records.map { ReplayOutcome(original: $0, nowStatus: "not replayed", nowAccount: nil, nowReason: $0.decision.reason, certificateMissing: true) }
                continue
            }
            let (route, headers) = Self.route(of: first)
            let plan = ConnectionPlan(identity: identity, route: route, requests: records.map { PlannedRequest(method: $0.method, path: $0.path, headers: headers) })
            let answers = await client.run(plan)
            for (record, answer) in zip(records, answers) {
                let status = answer.error.map { "error: \($0)" } ?? answer.decision ?? answer.status.map(String.init) ?? "?"
                let reason = answer.reason.flatMap(DecisionReason.init(rawValue:)) ?? record.decision.reason
                outcomes.append(ReplayOutcome(original: record, nowStatus: status, nowAccount: answer.account, nowReason: reason, certificateMissing: false))
            }
            progress?(outcomes.count, session.requests.count)
        }
        return ReplayReport(mode: mode, generation: generation, outcomes: outcomes)
    }
}
