import CertMapCore
import CertMapJournal
import CertMapNIOSupport
import Foundation
import NIOConcurrencyHelpers

/// What every connection of the server shares: the live configuration, the persistence mode
/// (switchable while serving), validation results per configuration generation, the event bus
/// and the id counters. Thread-safe; the console and CLI call it too.
public final class AuthenticationService: Sendable {
    public let configuration: LiveConfiguration
    public let events: EventBus
    public let home: DataHome
    /// This process's name in the journal (`r` + 8 hex digits), so connection numbers, which
    /// start again at 1 in every process, stay distinct across the runs one journal holds.
    public let run: String
    /// `t-` and the run's number: every trace id of this process starts so.
    private let tracePrefix: String
    private let state: NIOLockedValueBox<State>

    private struct State {
        var persistence: AuthPersistence
        /// The trust files of a generation, loaded and checked before it was applied; its
        /// validator and proxy trust also fill the two caches below.
        var material: (generation: UInt64, material: TrustMaterial)?
        /// Per generation; filled by `install`, or when first needed by a service nobody asked to
        /// `loadTrust` (then only the files each needs are read).
        var validator: (generation: UInt64, validator: CertificateValidator)?
        var proxyTrust: (generation: UInt64, trust: ProxyTrust)?
        var checks: [PresentedChainKey: CertificateCheck] = [:]
        var checksGeneration: UInt64 = 0
        var connections = ConnectionAdmission()
        var refusals = RefusalCoalescer()
        var nextTrace: UInt64 = 0
        var recordedCertificates: Set<Fingerprint> = []
    }

    public init(configuration: LiveConfiguration, home: DataHome, events: EventBus, persistence: AuthPersistence? = nil) {
        self.configuration = configuration
        self.home = home
        self.events = events
        self.run = "r" + String(format: "%08x", UInt32.random(in: .min ... .max))
        self.tracePrefix = "t-" + run.dropFirst() + "-"
        self.state = NIOLockedValueBox(State(persistence: persistence ?? configuration.current.document.server.authPersistence))
    }

    /// The persistence behaviour new requests are decided with.
    public var persistence: AuthPersistence {
        state.withLockedValue { $0.persistence }
    }

    /// Switches the persistence behaviour live; connections pick it up on their next request.
    /// - Parameter announce: publish the switch as an event (an attached console's mirror of a
    ///   server does not: the server's own event says it).
    public func setPersistence(_ persistence: AuthPersistence, announce: Bool = true) {
        let previous = state.withLockedValue { state in
            defer { state.persistence = persistence }
            return state.persistence
        }
        guard previous != persistence, announce else { return }
        events.publish(.system(SystemEvent("authentication persistence switched from \(previous) to \(persistence)")))
    }

    /// Applies an edited configuration live as the next generation (validated first; on error
    /// nothing changes). When its `server.authPersistence` differs from the previous
    /// configuration's, the new mode takes effect too, from the next request on. A document
    /// equal to the one in force changes nothing (the console's save and the file watcher may
    /// both see the same new file).
    /// - Parameters:
    ///   - source: who applied it, for the event ("saved from the console", "config.json changed on disk").
    ///   - changes: what changed, one item each, for the event.
    @discardableResult
    public func apply(_ document: ConfigDocument, source: String? = nil, changes: [String] = []) throws -> ConfigSnapshot {
        let current = configuration.current
        guard document != current.document else { return current }
        let material = try TrustMaterial.load(document, home: home)
        let snapshot = try configuration.apply(document)
        install(material, generation: snapshot.generation)
        let from = source.map { " (\($0))" } ?? ""
        let what = changes.isEmpty ? "" : ": " + changes.joined(separator: ", ")
        events.publish(.system(SystemEvent("configuration generation \(snapshot.generation) applied\(from)\(what)")))
        publishTrustNotes(of: document, migration: false)
        if document.server.authPersistence != current.document.server.authPersistence {
            setPersistence(document.server.authPersistence)
        }
        return snapshot
    }

    /// Loads and checks the trust files of the configuration in force (at start): a CA bundle,
    /// CRL, forwarder CA file, server certificate or key that does not load or does not make
    /// sense is an error naming the file, instead of a server that answers everyone 403.16.
    public func loadTrust() throws {
        let snapshot = configuration.current
        install(try TrustMaterial.load(snapshot.document, home: home), generation: snapshot.generation)
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
        guard let snapshot = try? configuration.apply(current.document) else { return nil }
        install(material, generation: snapshot.generation)
        events.publish(.system(SystemEvent("configuration generation \(snapshot.generation) applied (trust files reloaded: \(reason))")))
        return snapshot
    }

    /// Makes `material` the trust of `generation` and says what in it needs attention.
    private func install(_ material: TrustMaterial, generation: UInt64) {
        state.withLockedValue { state in
            state.material = (generation, material)
            state.validator = (generation, material.validator)
            state.proxyTrust = (generation, material.proxyTrust)
        }
        for stale in material.staleCRLs {
            events.publish(.security(SecurityEvent(category: .staleCRL, connection: nil, peer: "-", message: "\(stale)")))
        }
    }

    /// CRLs of the generation in force that are past their nextUpdate now.
    public var staleCRLCount: Int {
        guard let material = state.withLockedValue({ $0.material?.material }) else { return 0 }
        let now = Date()
        return material.validator.chainValidator.revocationPolicy.crls.filter { $0.isStale(at: now) }.count
    }

    /// Why clients that trust only the root cannot verify certmap's certificate, if they cannot.
    var serverChainProblem: String? {
        state.withLockedValue { $0.material?.material.serverChainProblem }
    }

    /// The names an absolute-form request target may use: the server certificate's, once the
    /// trust files are loaded (before that, the target's host is not restricted).
    var servedHosts: ServedHosts {
        state.withLockedValue { $0.material?.material.servedHosts } ?? .any
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

    /// The proxy roles of the current configuration, compiled once per generation. A forwarder
    /// whose `ca` file cannot be read is left out (so its headers are stripped, never believed)
    /// and the reason is published once.
    var proxyTrust: ProxyTrust {
        let snapshot = configuration.current
        if let cached = state.withLockedValue({ $0.proxyTrust }), cached.generation == snapshot.generation {
            return cached.trust
        }
        let trust: ProxyTrust
        do {
            trust = try ProxyTrust.load(snapshot.document.server, home: home)
        } catch {
            events.publish(.system(SystemEvent("warning: \(error); certificate forwarders that need this file are not trusted")))
            let readable = snapshot.document.server.certificateForwarders.filter { $0.ca == nil }
            var server = snapshot.document.server
            server.certificateForwarders = readable
            trust = (try? ProxyTrust.load(server, home: home)) ?? ProxyTrust(proxiedRanges: [], forwarders: [])
        }
        state.withLockedValue { $0.proxyTrust = (snapshot.generation, trust) }
        return trust
    }

    /// Validates `leaf` with the intermediates presented beside it once per configuration
    /// generation, and caches the verdict by what was presented — leaf *and* chain: the same leaf
    /// may chain to a trusted root with the intermediate and not without it, so a verdict must
    /// never depend on which of the two arrived first.
    func check(_ leaf: CertificateIdentity, chain: [CertificateIdentity], generation: UInt64) async throws -> CertificateCheck {
        if let cached = cachedCheck(leaf, chain: chain, generation: generation) { return cached }
        let check = try await validator(for: generation).check(leaf, presentedChain: chain, at: Date())
        state.withLockedValue { state in
            if state.checksGeneration == generation, state.checks.count < 100_000 { state.checks[PresentedChainKey(leaf: leaf, chain: chain)] = check }
        }
        return check
    }

    /// The verdict `check` cached for `leaf` and `chain` under `generation`, if any. Lets a request
    /// whose certificate was already validated be decided on its event loop, without a task hop.
    func cachedCheck(_ leaf: CertificateIdentity, chain: [CertificateIdentity], generation: UInt64) -> CertificateCheck? {
        state.withLockedValue { state in
            if state.checksGeneration != generation {
                state.checks.removeAll(keepingCapacity: true)
                state.checksGeneration = generation
            }
            return state.checks[PresentedChainKey(leaf: leaf, chain: chain)]
        }
    }

    private func validator(for generation: UInt64) throws -> CertificateValidator {
        if let current = state.withLockedValue({ $0.validator }), current.generation == generation {
            return current.validator
        }
        let snapshot = configuration.current
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        state.withLockedValue { $0.validator = (snapshot.generation, validator) }
        return validator
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
        IPAddress(address).map(proxyTrust.isProxyAddress) == true
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
        let number = state.withLockedValue { state in
            state.nextTrace += 1
            return state.nextTrace
        }
        // The run's random number first: trace ids stay unique across the runs one journal holds.
        return tracePrefix + String(number, radix: 16)
    }
}
