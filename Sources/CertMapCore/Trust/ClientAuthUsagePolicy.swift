import SwiftASN1
import X509

/// Requires the leaf to be usable for TLS client authentication (RFC 5280 §4.2.1.12): if it
/// carries an extended key usage extension, that must list clientAuth or
/// anyExtendedKeyUsage; without the extension every usage is allowed.
///
/// Without this, a stolen *server* certificate from the same CA would log a user in — a
/// classic mTLS misconfiguration that IIS also rejects.
public struct ClientAuthUsagePolicy: VerifierPolicy, Sendable {
    /// The policy enforces EKU, so a critical EKU extension does not make the chain unusable.
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    public init() {}

    /// The words of this policy's refusal, by which a failure is recognised as a usage problem.
    static let refusal = "is not allowed for TLS client authentication"

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        let leaf = chain.leaf
        let usage: ExtendedKeyUsage?
        do {
            usage = try leaf.extensions.extendedKeyUsage
        } catch {
            return .failsToMeetPolicy(
                reason: "certificate \(leaf.subject.traceName) has a malformed extended key usage extension: \(error)"
            )
        }
        guard let usage else { return .meetsPolicy }
        if usage.contains(.clientAuth) || usage.contains(.any) {
            return .meetsPolicy
        }
        let listed = usage.map { String(describing: $0) }.joined(separator: ", ")
        return .failsToMeetPolicy(
            reason: "certificate \(leaf.subject.traceName) \(Self.refusal) "
                + "(extended key usage: \(listed.isEmpty ? "none" : listed))"
        )
    }
}
