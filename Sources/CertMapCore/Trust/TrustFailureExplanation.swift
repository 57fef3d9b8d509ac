import SwiftASN1
import X509

/// Turns a failed trust stage into plain words for the trace: the policy failure reasons the
/// `Verifier` reported, or — when no candidate chain existed at all — where the chain breaks
/// ("no chain to a trusted root: issuer CN=CertMap Impostor Root is not in the CA bundle").
///
/// It only explains; the decision was already made by swift-certificates' `Verifier`.
struct TrustFailureExplanation {
    var trust: TrustStore
    var presented: [Certificate]

    func notes(
        leaf: Certificate, failures: [CertificateValidationResult.PolicyFailure], requireClientAuthUsage: Bool
    ) -> [String] {
        var notes: [String] = []
        var seen = Set<String>()
        for failure in failures {
            let reason = failure.policyFailureReason.description
            guard seen.insert(reason).inserted else { continue }
            let path = failure.chain.map(\.subject.traceName).joined(separator: " → ")
            notes.append("trust: chain \(path) rejected: \(reason)")
        }
        if notes.isEmpty {
            notes.append(unhandledCriticalExtensionNote(leaf, requireClientAuthUsage) ?? brokenLinkNote(leaf))
        }
        notes.append("verdict: untrusted (no valid chain to a trusted root)")
        return notes
    }

    /// The `Verifier` refuses leaves with critical extensions no policy enforces.
    private func unhandledCriticalExtensionNote(_ leaf: Certificate, _ requireClientAuthUsage: Bool) -> String? {
        var handled: [ASN1ObjectIdentifier] = [
            .X509ExtensionID.basicConstraints, .X509ExtensionID.nameConstraints, .X509ExtensionID.keyUsage,
        ]
        if requireClientAuthUsage { handled.append(.X509ExtensionID.extendedKeyUsage) }
        let unhandled = leaf.extensions.filter { $0.critical && !handled.contains($0.oid) }
        guard !unhandled.isEmpty else { return nil }
        let oids = unhandled.map { String(describing: $0.oid) }.joined(separator: ", ")
        return "trust: \(leaf.subject.traceName) has critical extensions certmap does not enforce (\(oids))"
    }

    /// Follows issuer names from the leaf through the bundle and presented certificates to
    /// the first missing or non-signing link.
    private func brokenLinkNote(_ leaf: Certificate) -> String {
        let pool = trust.allCertificates + presented
        var current = leaf
        for _ in 0..<16 {
            let candidates = pool.filter { $0.subject == current.issuer && $0 != current }
            guard !candidates.isEmpty else {
                return "no chain to a trusted root: issuer \(current.issuer.traceName) of \(current.subject.traceName) "
                    + "is not in the CA bundle"
            }
            guard let signer = candidates.first(where: { $0.publicKey.isValidSignature(current.signature, for: current) })
            else {
                return "no chain to a trusted root: \(current.subject.traceName) names issuer \(current.issuer.traceName), "
                    + "but no certificate of that name in the CA bundle signed it (same name, different key)"
            }
            if trust.isAnchor(signer) {
                return "no chain to a trusted root: the path to \(signer.subject.traceName) breaks RFC 5280 rules"
            }
            current = signer
        }
        return "no chain to a trusted root: the issuer chain of \(leaf.subject.traceName) is too long or loops"
    }
}
