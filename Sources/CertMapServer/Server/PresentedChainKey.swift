import CertMapCore

/// What a client presented for validation — its certificate and the intermediates beside it — as
/// the key of a cached verdict. The leaf alone is not enough: with only the root in the CA bundle
/// a leaf validates when its intermediate is presented and not otherwise.
struct PresentedChainKey: Hashable, Sendable {
    let leaf: Fingerprint
    /// Fingerprints of the presented intermediates, in order (usually none or one).
    let chain: [Fingerprint]

    init(leaf: CertificateIdentity, chain: [CertificateIdentity]) {
        self.leaf = leaf.sha256
        self.chain = chain.map(\.sha256)
    }
}
