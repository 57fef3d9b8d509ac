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

    /// Replays connection after connection. With `times` (request times by trace id) and a
    /// `speed` (1 = as recorded, 10 = ten times faster), requests keep their recorded spacing,
    /// scaled; without, they go as fast as the server answers.
    public func replay(_ session: ReplaySession, mode: String, generation: UInt64, times: [String: Date] = [:], speed: Double? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) async -> ReplayReport {
        // One client connection per recorded connection; through the reverse proxy the recorded
        // connection is the proxy's upstream one, shared by users, so each run of requests with
        // the same certificate becomes a client connection of its own.
        var order: [ConnectionID] = []
        var byConnection: [ConnectionID: [RequestRecord]] = [:]
        for record in session.requests {
            if byConnection[record.connection] == nil { order.append(record.connection) }
            byConnection[record.connection, default: []].append(record)
        }
        var groups: [[RequestRecord]] = []
        for connection in order {
            for record in byConnection[connection] ?? [] {
                if let last = groups.last?.last, last.connection == connection, Self.route(of: record).0 != .reverse || last.certificate?.sha256 == record.certificate?.sha256 {
                    groups[groups.count - 1].append(record)
                } else {
                    groups.append([record])
                }
            }
        }
        var outcomes: [ReplayOutcome] = []
        for records in groups {
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
            var previous: Date?
            let requests = records.map { record -> PlannedRequest in
                var delay = Duration.zero
                if let speed, speed > 0, let time = times[record.traceID] {
                    if let previous { delay = .milliseconds(Int(max(0, time.timeIntervalSince(previous)) / speed * 1000)) }
                    previous = time
                }
                return PlannedRequest(method: record.method, path: record.path, headers: headers, delay: delay)
            }
            let plan = ConnectionPlan(identity: identity, route: route, requests: requests)
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
