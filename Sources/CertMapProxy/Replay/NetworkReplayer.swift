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

    /// Replays connection after connection. Each request first waits for `control` (pause,
    /// step, stop, and pacing to the recorded `times` by request key at the control's speed);
    /// without one, requests go as fast as the server answers. A stop ends the replay after the
    /// request in flight, and the report holds the outcomes so far, marked stopped.
    /// `onOutcome` hears each outcome as its answer arrives.
    public func replay(
        _ session: ReplaySession, mode: String, generation: UInt64, times: [String: Date] = [:],
        control: ReplayControl? = nil, onOutcome: (@Sendable (ReplayOutcome) -> Void)? = nil
    ) async -> ReplayReport {
        var outcomes: [ReplayOutcome] = []
        for records in Self.connectionGroups(session) {
            guard let first = records.first else { continue }
            let identity: ClientIdentity?
            if let fingerprint = first.certificate?.sha256 {
                identity = credentials[fingerprint]
            } else {
                identity = ClientIdentity(name: "none", certificate: nil, key: nil)
            }
            guard let identity else {
                for record in records {
                    if let control, await !control.proceed(recordedAt: times[record.key]) { break }
                    let outcome = ReplayOutcome(original: record, nowStatus: "not replayed", nowAccount: nil, nowReason: record.decision.reason, certificateMissing: true, context: session.isContext(record))
                    outcomes.append(outcome)
                    onOutcome?(outcome)
                    await control?.answered()
                }
                if await control?.playback.state == .stopped { break }
                continue
            }
            let (route, headers) = Self.route(of: first)
            let plan = ConnectionPlan(identity: identity, route: route, requests: records.map { PlannedRequest(method: $0.method, path: $0.path, headers: headers) })
            let gate = control.map { Self.gate(for: records, times: times, control: $0) }
            let answered = LockedState<[ReplayOutcome]>([])
            _ = await client.run(plan, gate: gate) { index, answer in
                let record = records[index]
                let status = answer.error.map { "error: \($0)" } ?? answer.decision ?? answer.status.map(String.init) ?? "?"
                let reason = answer.reason.flatMap(DecisionReason.init(rawValue:)) ?? record.decision.reason
                // A paused replay can outlast the server's idle timeout: the request then went
                // on a new connection, and persistence did not play out as recorded.
                let note = answer.connection > 1 ? "sent on a new connection (the server closed the kept-alive one)" : nil
                let outcome = ReplayOutcome(original: record, nowStatus: status, nowAccount: answer.account, nowReason: reason, certificateMissing: false, note: note, context: session.isContext(record))
                answered.withLock { $0.append(outcome) }
                onOutcome?(outcome)
                await control?.answered()
            }
            outcomes += answered.withLock { $0 }
            if await control?.playback.state == .stopped { break }
        }
        let stopped = outcomes.count < session.requests.count
        return ReplayReport(mode: mode, generation: generation, outcomes: outcomes, planned: session.requests.count, stopped: stopped)
    }

    /// Asked by the client before each request of a plan, in order: waits for `control` with
    /// that request's recorded time.
    private static func gate(for records: [RequestRecord], times: [String: Date], control: ReplayControl) -> RequestGate {
        let next = LockedState(0)
        return { @Sendable () async -> GateVerdict in
            let index = next.withLock { index -> Int in
                defer { index += 1 }
                return index
            }
            let time = index < records.count ? times[records[index].key] : nil
            return await control.proceed(recordedAt: time) ? .send : .stop
        }
    }

    /// One client connection per recorded connection; through the reverse proxy the recorded
    /// connection is the proxy's upstream one, shared by users, so each run of requests with the
    /// same certificate becomes a client connection of its own.
    static func connectionGroups(_ session: ReplaySession) -> [[RequestRecord]] {
        var order: [ConnectionKey] = []
        var byConnection: [ConnectionKey: [RequestRecord]] = [:]
        for record in session.requests {
            if byConnection[record.connectionKey] == nil { order.append(record.connectionKey) }
            byConnection[record.connectionKey, default: []].append(record)
        }
        var groups: [[RequestRecord]] = []
        for connection in order {
            for record in byConnection[connection] ?? [] {
                if let last = groups.last?.last, last.connectionKey == connection, route(of: record).0 != .reverse || last.certificate?.sha256 == record.certificate?.sha256 {
                    groups[groups.count - 1].append(record)
                } else {
                    groups.append([record])
                }
            }
        }
        return groups
    }
}
