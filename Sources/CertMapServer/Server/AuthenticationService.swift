import Atomics
import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import Foundation
import NIOConcurrencyHelpers

/// What every connection of the server shares: the generation in force (configuration, trust,
/// persistence mode — see `ServerGeneration`), the event bus, connection admission and the id
/// counters. Thread-safe; the console and CLI call it too. A request reads the generation with
/// one atomic load and takes its trace number with one atomic increment.
public final class AuthenticationService: Sendable {
    public let configuration: LiveConfiguration
    public let events: EventBus
    public let home: DataHome
    /// This process's name in the journal (`r` + 8 hex digits), so connection numbers, which
    /// start again at 1 in every process, stay distinct across the runs one journal holds.
    public let run: String
    /// `t-` and the run's number: every trace id of this process starts so.
    private let tracePrefix: String
    private let slot: GenerationSlot
    /// Held while this process saves config.json and applies it, and while the file watcher
    /// reads it: the watcher never mistakes this process's own save for another writer's.
    let edits = NIOLock()
    private let traces = ManagedAtomic<UInt64>(0)
    private let state: NIOLockedValueBox<State>

    private struct State {
        var connections = ConnectionAdmission()
        var refusals = RefusalCoalescer()
        var recordedCertificates: Set<Fingerprint> = []
    }

    public init(configuration: LiveConfiguration, home: DataHome, events: EventBus, persistence: AuthPersistence? = nil) {
        self.configuration = configuration
        self.home = home
        self.events = events
        self.run = "r" + String(format: "%08x", UInt32.random(in: .min ... .max))
        self.tracePrefix = "t-" + run.dropFirst() + "-"
        let snapshot = configuration.current
        // Until `loadTrust` checks the files as a whole, each part is read on its own.
        self.slot = GenerationSlot(ServerGeneration.lenient(snapshot, home: home, persistence: persistence ?? snapshot.document.server.authPersistence))
        self.state = NIOLockedValueBox(State())
    }

    /// The generation new requests are decided with.
    var generation: ServerGeneration {
        slot.generation
    }

    /// The persistence behaviour new requests are decided with.
    public var persistence: AuthPersistence {
        slot.generation.persistence
    }

    /// Switches the persistence behaviour live; connections pick it up on their next request.
    /// - Parameter announce: publish the switch as an event (an attached console's mirror of a
    ///   server does not: the server's own event says it).
    public func setPersistence(_ persistence: AuthPersistence, announce: Bool = true) {
        let previous = slot.update { current in (current.with(persistence: persistence), current.persistence) }
        guard previous != persistence, announce else { return }
        announceSwitch(from: previous, to: persistence)
    }

    private func announceSwitch(from previous: AuthPersistence, to persistence: AuthPersistence) {
        events.publish(.system(SystemEvent("authentication persistence switched from \(previous) to \(persistence)")))
    }

    /// Applies an edited configuration live as the next generation (validated first; on error
    /// nothing changes). When its `server.authPersistence` differs from the previous
    /// configuration's, the new mode takes effect too, from the next request on. A document
    /// equal to the one in force changes nothing (the console's save and the file watcher may
    /// both see the same new file). Reads the trust files: call it off the event loops.
    /// - Parameters:
    ///   - source: who applied it, for the event ("saved from the console", "config.json changed on disk").
    ///   - changes: what changed, one item each, for the event.
    @discardableResult
    public func apply(_ document: ConfigDocument, source: String? = nil, changes: [String] = []) throws -> ConfigSnapshot {
        let current = configuration.current
        guard document != current.document else { return current }
        let material = try TrustMaterial.load(document, home: home)
        let switched = document.server.authPersistence != current.document.server.authPersistence
        let (snapshot, previous) = try slot.update { generation in
            let snapshot = try configuration.apply(document)
            let persistence = switched ? document.server.authPersistence : generation.persistence
            return (ServerGeneration.checked(snapshot, material: material, persistence: persistence), (snapshot, generation.persistence))
        }
        publishNotes(of: material)
        let from = source.map { " (\($0))" } ?? ""
        let what = changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")
        events.publish(.system(SystemEvent("configuration generation \(snapshot.generation) applied\(from)\(what)")))
        publishTrustNotes(of: document, migration: false)
        if switched, previous != document.server.authPersistence {
            announceSwitch(from: previous, to: document.server.authPersistence)
        }
        return snapshot
    }

    /// Makes `document` the configuration in force without its trust files being checked: an
    /// attached console's mirror of a server, which decides nothing itself, follows the
    /// server's edits so.
    public func adoptMirrored(_ document: ConfigDocument) throws {
        guard document != configuration.current.document else { return }
        try slot.update { generation in
            let snapshot = try configuration.apply(document)
            return (ServerGeneration.lenient(snapshot, home: home, persistence: generation.persistence), ())
        }
    }

    /// Loads and checks the trust files of the configuration in force (at start): a CA bundle,
    /// CRL, forwarder CA file, server certificate or key that does not load or does not make
    /// sense is an error naming the file, instead of a server that answers everyone 403.16.
    public func loadTrust() throws {
        let material = try TrustMaterial.load(configuration.current.document, home: home)
        slot.update { generation in (ServerGeneration.checked(generation.snapshot, material: material, persistence: generation.persistence), ()) }
        publishNotes(of: material)
    }

    /// Reads the trust files again with the configuration in force (SIGHUP, or a trust file changed
    /// on disk): when they load, they become the next generation; when not, the last good
    /// generation keeps serving and one line says which file and why.
    /// - Returns: the new generation, or nil when the files were refused.
    @discardableResult
    public func reloadTrust(reason: String) -> ConfigSnapshot? {
        let current = configuration.current
        let material: TrustMaterial
        do {
            material = try TrustMaterial.load(current.document, home: home)
        } catch {
            events.publish(.system(SystemEvent("warning: trust files changed (\(reason)) but were not applied: \(error); generation \(current.generation) keeps serving")))
            return nil
        }
        let snapshot: ConfigSnapshot? = slot.update { generation in
            guard let snapshot = try? configuration.apply(generation.snapshot.document) else { return (generation, nil) }
            return (ServerGeneration.checked(snapshot, material: material, persistence: generation.persistence), snapshot)
        }
        guard let snapshot else { return nil }
        publishNotes(of: material)
        events.publish(.system(SystemEvent("configuration generation \(snapshot.generation) applied (trust files reloaded: \(reason))")))
        return snapshot
    }

    /// Says what in newly applied trust material needs attention.
    private func publishNotes(of material: TrustMaterial) {
        for stale in material.staleCRLs {
            events.publish(.security(SecurityEvent(category: .staleCRL, connection: nil, peer: "-", message: "\(stale)")))
        }
    }

    /// CRLs of the generation in force that are past their nextUpdate now.
    public var staleCRLCount: Int {
        guard let material = generation.material else { return 0 }
        let now = Date()
        return material.validator.chainValidator.revocationPolicy.crls.filter { $0.isStale(at: now) }.count
    }

    /// Why clients that trust only the root cannot verify certmap's certificate, if they cannot.
    var serverChainProblem: String? {
        generation.material?.serverChainProblem
    }

    /// Publishes, one line each, what loading migrated from an older file (at start) and every
    /// weak certificate forwarder (at start and whenever an edit is applied), so the serve
    /// output, the console's log and the journal all say it.
    public func publishTrustNotes(of document: ConfigDocument, migration: Bool = true) {
        for note in migration ? document.migrationNotes : [] {
            events.publish(.system(SystemEvent("note: config.json \(note) (the file is rewritten in the new form on the next save)")))
        }
        for weakness in ConfigValidator.weaknesses(document) {
            events.publish(.system(SystemEvent("warning: config.json \(weakness)")))
        }
    }

    /// Validates `leaf` with the intermediates presented beside it once per configuration
    /// generation, and caches the verdict by what was presented — leaf *and* chain: the same leaf
    /// may chain to a trusted root with the intermediate and not without it, so a verdict must
    /// never depend on which of the two arrived first.
    func check(_ leaf: CertificateIdentity, chain: [CertificateIdentity], in generation: ServerGeneration) async -> CertificateCheck {
        let key = PresentedChainKey(leaf: leaf, chain: chain)
        if let cached = generation.verdicts.value(for: key) { return cached }
        let check: CertificateCheck
        switch generation.validator {
        case .success(let validator):
            check = await validator.check(leaf, presentedChain: chain, at: Date())
        case .failure(let unavailable):
            check = CertificateCheck(verdict: .untrusted, notes: [unavailable.description])
        }
        generation.verdicts.keep(check, for: key)
        return check
    }

    /// Admits a new connection unless `limits` say no: `maxConnections` in all, and per address
    /// `maxConnectionsPerAddress` — or `maxConnectionsPerProxyAddress` for a configured proxy's
    /// address, whose connections carry many clients. Returns its id, or why it is refused.
    func openConnection(from address: String, limits: ServerLimits) -> ConnectionAdmission.Verdict {
        let perAddress = perAddressLimit(for: address, limits: limits).limit
        return state.withLockedValue { $0.connections.admit(address: address, limit: limits.maxConnections, perAddress: perAddress) }
    }

    /// The connection limit that applies to one address, with the setting that holds it.
    func perAddressLimit(for address: String, limits: ServerLimits) -> (limit: Int, setting: String) {
        IPAddress(address).map(generation.proxyTrust.isProxyAddress) == true
            ? (limits.maxConnectionsPerProxyAddress, "maxConnectionsPerProxyAddress")
            : (limits.maxConnectionsPerAddress, "maxConnectionsPerAddress")
    }

    /// Publishes a refused connection, at most once per address per second; the report after a
    /// quiet spell says how many were refused in between.
    func reportRefusedConnection(from address: String, peer: String, message: String) {
        let now = Int64(DispatchTime.now().uptimeNanoseconds)
        guard let earlier = state.withLockedValue({ $0.refusals.refused(address: address, now: now) }) else { return }
        let more = earlier > 0 ? " (\(earlier) more from \(address) were refused since the last report)" : ""
        events.publish(.security(SecurityEvent(category: .limit, connection: nil, peer: peer, message: message + more, reason: "connection_refused")))
    }

    /// Connections admitted and not closed yet (TLS handshakes in progress included).
    public var openConnectionCount: Int {
        state.withLockedValue { $0.connections.open }
    }

    func closeConnection(from address: String) {
        state.withLockedValue { $0.connections.release(address: address) }
    }

    /// Publishes the certificate's DER the first time it is seen (bounded to 100k fingerprints),
    /// so the journal can store it once and requests reference it by SHA-256.
    func recordCertificate(_ identity: CertificateIdentity) {
        let isNew = state.withLockedValue { state in
            guard state.recordedCertificates.count < 100_000 else { return false }
            return state.recordedCertificates.insert(identity.sha256).inserted
        }
        if isNew {
            events.publish(.certificate(CertificateRecord(sha256: identity.sha256.colonHex, der: Data(identity.der).base64EncodedString())))
        }
    }

    /// A unique id for `X-CertMap-Trace` (`t-3f9a12c0-1a`: this run, then the request's number),
    /// to look a decision up later in the console (`~trace`), `explain --trace` or the journal.
    func nextTraceID() -> String {
        let number = traces.wrappingIncrementThenLoad(ordering: .relaxed)
        // The run's random number first: trace ids stay unique across the runs one journal holds.
        return tracePrefix + String(number, radix: 16)
    }
}
