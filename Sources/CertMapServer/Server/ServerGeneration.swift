import Atomics
import CertMapCore
import NIOConcurrencyHelpers

/// Everything a request is decided with, for one configuration generation and persistence mode:
/// the snapshot (decision engine), the trust material with its validator and proxy trust (every
/// file already read), the names the server answers for, the forwarded-header rule and the
/// verdict cache. Built whole, off the event loops, whenever configuration, trust files or the
/// mode change, and published with one atomic store (`GenerationSlot`): a request reads it with
/// one atomic load, and never reads a file or takes a process-wide lock to find its rules.
final class ServerGeneration: Sendable, AtomicReference {
    let snapshot: ConfigSnapshot
    let persistence: AuthPersistence
    /// The checked trust files, when this generation was built from them (at start, after an
    /// edit, after a reload); nil for a service that never loaded them (tests, a console's mirror).
    let material: TrustMaterial?
    /// The CA bundle and CRLs to validate with, or why they could not be loaded (every
    /// certificate is then untrusted, with that sentence in its trace).
    let validator: Result<CertificateValidator, TrustUnavailable>
    let proxyTrust: ProxyTrust
    let servedHosts: ServedHosts
    let gate: ForwardedCertificateGate
    /// Verdicts by what was presented, shared by every connection of this snapshot (a mode
    /// switch keeps them: validation does not depend on the mode).
    let verdicts: VerdictCache

    /// Why a generation has no validator.
    struct TrustUnavailable: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    private init(
        snapshot: ConfigSnapshot, persistence: AuthPersistence, material: TrustMaterial?, validator: Result<CertificateValidator, TrustUnavailable>,
        proxyTrust: ProxyTrust, verdicts: VerdictCache
    ) {
        self.snapshot = snapshot
        self.persistence = persistence
        self.material = material
        self.validator = validator
        self.proxyTrust = proxyTrust
        self.servedHosts = material?.servedHosts ?? .any
        self.gate = ForwardedCertificateGate(settings: snapshot.document.server.forwardedHeaders)
        self.verdicts = verdicts
    }

    /// A generation from trust files loaded and checked together (`TrustMaterial.load`).
    static func checked(_ snapshot: ConfigSnapshot, material: TrustMaterial, persistence: AuthPersistence) -> ServerGeneration {
        ServerGeneration(
            snapshot: snapshot, persistence: persistence, material: material, validator: .success(material.validator), proxyTrust: material.proxyTrust,
            verdicts: VerdictCache(capacity: 100_000))
    }

    /// A generation for a service that never loaded its trust material as a whole: each part is
    /// read on its own, and one that does not load is left out rather than refused — a forwarder
    /// whose CA file cannot be read is not trusted (its headers are stripped), a CA bundle that
    /// cannot be read makes every certificate untrusted. Only services that never serve use it
    /// (tests, a console's mirror): a serving one loads its material checked (`loadTrust`).
    static func lenient(_ snapshot: ConfigSnapshot, home: DataHome, persistence: AuthPersistence) -> ServerGeneration {
        let validator: Result<CertificateValidator, TrustUnavailable>
        do {
            validator = .success(try TrustConfiguration.validator(for: snapshot.document.trust, home: home))
        } catch {
            validator = .failure(TrustUnavailable(description: "trust configuration could not be loaded: \(error)"))
        }
        let proxyTrust: ProxyTrust
        do {
            proxyTrust = try ProxyTrust.load(snapshot.document.server, home: home)
        } catch {
            var server = snapshot.document.server
            server.certificateForwarders = server.certificateForwarders.filter { $0.ca == nil }
            proxyTrust = (try? ProxyTrust.load(server, home: home)) ?? ProxyTrust(proxiedRanges: [], forwarders: [])
        }
        return ServerGeneration(
            snapshot: snapshot, persistence: persistence, material: nil, validator: validator, proxyTrust: proxyTrust, verdicts: VerdictCache(capacity: 100_000))
    }

    /// The same generation under another persistence mode (a live switch).
    func with(persistence: AuthPersistence) -> ServerGeneration {
        ServerGeneration(snapshot: snapshot, persistence: persistence, material: material, validator: validator, proxyTrust: proxyTrust, verdicts: verdicts)
    }
}

/// Certificate verdicts of one generation, by what was presented (leaf and intermediates), so a
/// certificate is validated once per generation however many connections present it; at most
/// 100,000 verdicts are kept.
typealias VerdictCache = BoundedMemo<PresentedChainKey, CertificateCheck>

/// The generation in force, published atomically: the event loops read it without a lock;
/// writers (edits, reloads, a mode switch) replace it one at a time.
final class GenerationSlot: Sendable {
    private let current: ManagedAtomic<ServerGeneration>
    private let writers = NIOLock()

    init(_ generation: ServerGeneration) {
        current = ManagedAtomic(generation)
    }

    var generation: ServerGeneration {
        current.load(ordering: .acquiring)
    }

    /// Replaces the generation with what `change` makes of the one in force, writers one at a time.
    @discardableResult
    func update<Result>(_ change: (ServerGeneration) throws -> (ServerGeneration, Result)) rethrows -> Result {
        try writers.withLock {
            let (next, result) = try change(current.load(ordering: .acquiring))
            current.store(next, ordering: .releasing)
            return result
        }
    }
}
