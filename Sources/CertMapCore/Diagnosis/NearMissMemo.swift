/// The near misses already found for a certificate under one decision engine (one configuration
/// generation), so a client refused again and again — a misconfigured service retrying, a flood —
/// costs the search once instead of on every request: the search reads up to ten thousand
/// mappings and is by far the dearest part of a refusal (docs/benchmarks.md). The answer for a
/// certificate never changes within a generation, so remembering it changes no decision.
/// Bounded: past `capacity` certificates, new ones are searched each time and not kept.
final class NearMissMemo: Sendable {
    static let capacity = 4_096

    private struct Key: Hashable, Sendable {
        let certificate: Fingerprint
        /// The deny mapping that refused it (403.12), or nil for 401.2.
        let deny: String?
    }

    private let found = BoundedMemo<Key, [NearMiss]>(capacity: capacity)

    /// The near misses of `certificate` (refused by `deny`, if one), from `search` the first time.
    func nearMisses(for certificate: Fingerprint, deny: String?, search: () -> [NearMiss]) -> [NearMiss] {
        found.value(for: Key(certificate: certificate, deny: deny), compute: search)
    }
}
