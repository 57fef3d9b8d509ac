import CertMapCore
import Foundation
import NIOConcurrencyHelpers

/// The account a client's own certificate maps to under the configuration in force: the
/// yardstick for misattribution (a response carrying any other account served someone else's
/// identity; a response without an account — 401/403 — never is one).
///
/// Computed in process, the way the server decides: the certificate is validated with the trust
/// configuration (an invalid one maps to nothing, so any account it gets is someone else's), then
/// mapped with the live snapshot's `MappingIndex`. The mapping, not the whole decision, is used so
/// that a path the account may not open (401.3) does not make a correct answer elsewhere look
/// wrong. Validators are cached per configuration generation.
public final class ExpectedAccounts: Sendable {
    private let configuration: LiveConfiguration
    private let home: DataHome
    private let validator = NIOLockedValueBox<(generation: UInt64, validator: CertificateValidator)?>(nil)

    public init(configuration: LiveConfiguration, home: DataHome) {
        self.configuration = configuration
        self.home = home
    }

    /// nil for no certificate, an unreadable or invalid one, or one that maps to no account.
    public func account(for identity: ClientIdentity) async -> String? {
        guard let file = identity.certificate, let leaf = try? CertificateLoader.certificates(at: file).first else { return nil }
        let snapshot = configuration.current
        guard let validator = try? validator(for: snapshot) else { return nil }
        let check = await validator.check(leaf, presentedChain: [], at: Date())
        guard check.verdict == .valid else { return nil }
        return snapshot.engine.mappings.map(leaf).outcome.account
    }

    private func validator(for snapshot: ConfigSnapshot) throws -> CertificateValidator {
        if let cached = validator.withLockedValue({ $0 }), cached.generation == snapshot.generation { return cached.validator }
        let fresh = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        validator.withLockedValue { $0 = (snapshot.generation, fresh) }
        return fresh
    }
}
