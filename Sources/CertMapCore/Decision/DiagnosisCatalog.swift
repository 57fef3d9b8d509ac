/// The cause and the fix for each kind of refusal, in one sentence each (SPEC §3's diagnosis
/// catalog). `certmap diagnose` groups a journal's 401s and 403s by these; the console's
/// Diagnosis tab tells the same story filled in with one request's facts.
public enum DiagnosisCatalog {
    public struct Entry: Hashable, Sendable {
        /// Short name of the cause, for tables.
        public let title: String
        public let fix: String
    }

    public static func entry(for reason: DecisionReason) -> Entry {
        switch reason {
        case .allowed, .anonymous:
            return Entry(title: "allowed", fix: "nothing to fix")
        case .legacyResetWithoutRemap:
            return Entry(title: "legacy reset without re-map (KB Q190009)", fix: "switch authentication persistence to per-request (certmap serve --mode per-request, or m in the console) so every request is mapped again")
        case .notMapped:
            return Entry(title: "valid certificate, no mapping", fix: "add a one-to-one or many-to-one mapping for these certificates (certmap mappings add), or enable the one that would match")
        case .deniedByMapping:
            return Entry(title: "deny mapping matched", fix: "if these users should get in, narrow the deny mapping's rules or move an allow mapping above it")
        case .accountDisabled:
            return Entry(title: "mapped account disabled", fix: "enable the account, or map the certificates to an enabled one")
        case .accountUnknown:
            return Entry(title: "mapping names a missing account", fix: "create the account or correct the mapping's account name")
        case .untrustedCertificate:
            return Entry(title: "untrusted certificate", fix: "add the issuing CA to trust.caBundle if it is legitimate; otherwise these are impostor certificates and 403.16 is right")
        case .certificateIsAuthority:
            return Entry(title: "CA certificate presented", fix: "present the user's own (end-entity) certificate; a CA certificate is refused whatever the mappings say")
        case .certificateExpired:
            return Entry(title: "expired certificate", fix: "issue the users new certificates (and check the server clock)")
        case .certificateNotYetValid:
            return Entry(title: "certificate not yet valid", fix: "check the clocks of the CA and the server, or wait until notBefore")
        case .certificateRevoked:
            return Entry(title: "revoked certificate", fix: "issue new certificates; revoked ones are refused by design")
        case .certificateRequired:
            return Entry(title: "missing client certificate", fix: "make clients present certificates, and have TLS-terminating proxies forward them as configured certificate forwarders (server.certificateForwarders, identified by their certificate)")
        case .anonymousNotAllowed:
            return Entry(title: "anonymous request refused", fix: "present a client certificate, or set allowAnonymous on the resource")
        case .resourceNotAllowed:
            return Entry(title: "account not allowed on the resource", fix: "allow the account or one of its groups on that path, if it should have access")
        }
    }
}
