import CertMapCore
import CertMapJournal

/// The Diagnosis tab's answer to "why did this request get this status?": the cause in plain
/// words and what to change, keyed by `DecisionReason` and filled in with the request's facts.
///
/// Lives in the console until CertMapCore grows the shared diagnosis catalog (SPEC §3), which
/// `certmap diagnose` will use too; then this becomes a thin adapter over it.
public struct RequestDiagnosis: Hashable, Sendable {
    public let headline: String
    public let cause: String
    public let fix: String

    public init(headline: String, cause: String, fix: String) {
        self.headline = headline
        self.cause = cause
        self.fix = fix
    }

    public init(for record: RequestRecord) {
        let decision = record.decision
        let subject = record.certificate?.subject ?? "the certificate"
        let account = decision.account ?? "the account"
        let headline = "\(decision.statusText)  \(decision.reason.summary)"
        switch decision.reason {
        case .allowed:
            self.init(
                headline: headline,
                cause: "The certificate \(subject) was mapped to \(account)\(decision.mapping.map { " by \($0)" } ?? "") and \(account) may use \(record.path).",
                fix: "Nothing to fix.")
        case .anonymous:
            self.init(
                headline: headline, cause: "No account was established and \(record.path) allows anonymous requests.",
                fix: "If \(record.path) should require a certificate, set its client-certificate policy to require.")
        case .certificateRequired:
            self.init(
                headline: headline, cause: "\(record.path) requires a client certificate and the request had none (source: \(record.certificateSource)).",
                fix: record.proxied
                    ? "Make the proxy forward the client certificate (Client-Cert, X-Forwarded-Client-Cert) and list it in server.certificateForwarders by its certificate pin, or connect directly."
                    : "Configure the client to present its certificate, or relax the resource's policy to accept.")
        case .untrustedCertificate:
            self.init(
                headline: headline, cause: "The certificate \(subject), issued by \(record.certificate?.issuer ?? "an unknown issuer"), does not chain to a trusted root or is not valid for client authentication.",
                fix: "If the issuer is legitimate, add its CA to the trust bundle; otherwise this is an impostor certificate and the 403 is right.")
        case .certificateIsAuthority:
            self.init(
                headline: headline, cause: "The certificate \(subject) is a CA certificate (basicConstraints CA:TRUE): it issues certificates and never identifies a client, so it was refused before any mapping.",
                fix: "Present the user's own end-entity certificate; no mapping or trust setting makes a CA certificate acceptable.")
        case .certificateExpired, .certificateNotYetValid:
            self.init(
                headline: headline, cause: "The certificate \(subject) is outside its validity period at the time of the request.",
                fix: "Issue the user a new certificate (and check the server's clock).")
        case .certificateRevoked:
            self.init(headline: headline, cause: "The certificate \(subject) is on the revocation list.", fix: "Issue a new certificate; revoked ones are refused by design.")
        case .notMapped:
            self.init(
                headline: headline, cause: "The certificate \(subject) is valid but no enabled one-to-one or many-to-one mapping matches it. The Auth trace tab lists every mapping tried and why it did not match.",
                fix: "Add a mapping for it (screen 3), or enable the mapping that would have matched.")
        case .anonymousNotAllowed:
            self.init(
                headline: headline, cause: "The request carried no certificate and \(record.path) does not allow anonymous requests.",
                fix: "Present a client certificate, or allow anonymous access to \(record.path).")
        case .deniedByMapping:
            self.init(
                headline: headline, cause: "The first matching many-to-one mapping\(decision.mapping.map { " (\($0))" } ?? "") is a deny mapping.",
                fix: "If this user should get in, reorder the mappings or narrow the deny mapping's rules.")
        case .accountDisabled:
            self.init(headline: headline, cause: "The certificate maps to \(account), which is disabled.", fix: "Enable the account, or map the certificate to an enabled one.")
        case .accountUnknown:
            self.init(
                headline: headline, cause: "The mapping\(decision.mapping.map { " \($0)" } ?? "") names an account that does not exist.",
                fix: "Create the account or correct the mapping's account name.")
        case .resourceNotAllowed:
            self.init(
                headline: headline, cause: "The certificate maps to \(account), which is not among the accounts or groups allowed on \(record.path).",
                fix: "Allow \(account) (or one of its groups) on \(record.path), if it should have access.")
        case .legacyResetWithoutRemap:
            let previous = max(1, record.request - 1)
            self.init(
                headline: headline,
                cause: "Authentication was reset after request \(previous) of this proxied connection and the certificate was not re-mapped (\(record.mode), KB Q190009). The first request on the connection was mapped; every later one arrives with no identity and gets 401.",
                fix: "Switch the authentication mode to per-request (press m and choose per-request): every request is then re-mapped from its certificate, as IIS does since NT4 SP4.")
        }
    }
}
