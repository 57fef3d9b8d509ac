@_spi(DisableValidityCheck) import X509
import Foundation

/// Validates a client certificate chain the way certmap's authentication pipeline needs it:
/// not just "ok or not", but *which* failure — untrusted (403.16), expired or not yet valid
/// (403.17), revoked (403.13) — with notes for the trace.
///
/// swift-certificates' `Verifier` builds and checks the chain; certmap never re-implements
/// path building or signature checks. To classify failures reliably the work is staged:
/// 1. trust: `Verifier` with RFC 5280 rules minus the validity check, plus
///    ``ClientAuthUsagePolicy``; a failure here means untrusted/invalid;
/// 2. validity window of every certificate of the validated chain at the given time;
/// 3. ``RevocationPolicy`` on the validated chain.
public struct ChainValidator: Sendable {
    public let trust: TrustStore
    public let requireClientAuthUsage: Bool
    /// Built once, so CRL signatures are checked once against the trust store's CAs.
    public let revocationPolicy: RevocationPolicy

    /// - Parameters:
    ///   - trust: Anchors and intermediates.
    ///   - crls: CRLs to enforce; each counts only for certificates issued by its signer.
    ///   - revokedSerials: Additional revoked serials (hex, any case, colons allowed).
    ///   - requireClientAuthUsage: Reject leaves whose EKU excludes TLS client authentication.
    public init(
        trust: TrustStore, crls: [CertificateRevocationList], revokedSerials: Set<String>,
        requireClientAuthUsage: Bool = true, staleCRL: StaleCRLPolicy = .warn
    ) {
        self.trust = trust
        self.requireClientAuthUsage = requireClientAuthUsage
        self.revocationPolicy = RevocationPolicy(
            crls: crls, revokedSerials: revokedSerials, knownIssuers: trust.allCertificates, staleCRL: staleCRL
        )
    }

    /// Validates `leaf` with the intermediates the client presented, at `time`.
    public func validate(leaf: Certificate, presentedIntermediates: [Certificate], at time: Date) async -> ChainValidation {
        var notes = ["certificate: \(leaf.subject.traceName), serial \(SerialNumberText.hex(leaf.serialNumber)), issued by \(leaf.issuer.traceName)"]
        let chain: [Certificate]
        switch await buildTrustedChain(leaf: leaf, presentedIntermediates: presentedIntermediates) {
        case .validCertificate(let validated):
            chain = Array(validated)
        case .couldNotValidate(let failures):
            let explained = TrustFailureExplanation(trust: trust, presented: presentedIntermediates)
                .notes(leaf: leaf, failures: failures, requireClientAuthUsage: requireClientAuthUsage)
            notes += explained
            let subject = leaf.subject.traceName
            let detail = explained.first ?? "no valid chain to a trusted root"
            let usage = failures.map(\.policyFailureReason.description).first { $0.contains(ClientAuthUsagePolicy.refusal) }
            let problem: TrustProblem = usage.map { .notForClientAuthentication(subject: subject, detail: $0) }
                ?? .noTrustedChain(subject: subject, issuer: leaf.issuer.traceName, detail: detail)
            return ChainValidation(verdict: .untrusted, chain: [], notes: notes, problem: problem)
        }
        notes.append("chain: " + chain.map(\.subject.traceName).joined(separator: " → ") + " (trusted anchor)")
        if requireClientAuthUsage {
            notes.append("usage: \(leaf.subject.traceName) may be used for TLS client authentication")
        }

        let window = ValidityWindow.check(chain, at: time)
        notes += window.notes
        if let verdict = window.verdict {
            let problem: TrustProblem?
            if let expired = chain.first(where: { time > $0.notValidAfter }) {
                problem = .expired(subject: expired.subject.traceName, notAfter: expired.notValidAfter, inChain: expired != leaf)
            } else {
                problem = chain.first { time < $0.notValidBefore }.map { .notYetValid(subject: $0.subject.traceName, notBefore: $0.notValidBefore, inChain: $0 != leaf, checkedAt: time) }
            }
            return ChainValidation(verdict: verdict, chain: chain, notes: notes, problem: problem)
        }

        var policy = revocationPolicy
        policy.validationTime = time
        let report = policy.evaluate(chain: chain)
        notes += report.notes
        if let finding = report.finding {
            let by: String
            switch finding.source {
            case .crl(let issuer, _): by = "the CRL of \(issuer)"
            case .configuredSerials: by = "the configured revoked serials (trust.revokedSerials)"
            case .staleCRL(let issuer, let nextUpdate):
                let problem = TrustProblem.revocationUnknown(subject: finding.subject, serial: finding.serialNumber, crlIssuer: issuer, nextUpdate: nextUpdate)
                return ChainValidation(verdict: .revocationUnknown, chain: chain, notes: notes, revocation: finding, problem: problem)
            }
            let problem = TrustProblem.revoked(subject: finding.subject, serial: finding.serialNumber, by: by, on: finding.revocationDate, reason: finding.reason.map { "\($0)" })
            return ChainValidation(verdict: .revoked, chain: chain, notes: notes, revocation: finding, problem: problem)
        }
        notes.append("verdict: valid")
        return ChainValidation(verdict: .valid, chain: chain, notes: notes)
    }

    /// Stage 1: path building and RFC 5280 rules (without validity dates) plus client-auth usage.
    private func buildTrustedChain(
        leaf: Certificate, presentedIntermediates: [Certificate]
    ) async -> CertificateValidationResult {
        let intermediates = CertificateStore(trust.intermediates + presentedIntermediates)
        if requireClientAuthUsage {
            var verifier = Verifier(rootCertificates: trust.rootStore) {
                RFC5280Policy.withValidityCheckDisabled()
                ClientAuthUsagePolicy()
            }
            return await verifier.validate(leaf: leaf, intermediates: intermediates)
        }
        var verifier = Verifier(rootCertificates: trust.rootStore) {
            RFC5280Policy.withValidityCheckDisabled()
        }
        return await verifier.validate(leaf: leaf, intermediates: intermediates)
    }
}
