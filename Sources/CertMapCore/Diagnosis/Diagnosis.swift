import Foundation

/// The answer to "why did this request get this?", computed from the decision's facts and the
/// request's context — the one diagnosis the console, `certmap diagnose`, `explain`,
/// `mappings test` and replay all show, so they never disagree.
///
/// The cause names the specifics (mapping, account, path, dates, CRL and reason, headers); the
/// fix is something the operator can do; `kind` groups requests that share a cause (two 401.2s
/// for different reasons are different kinds). A 200 answered with another user's identity is
/// a finding too (`misattributed`), never "nothing to fix".
public struct Diagnosis: Hashable, Sendable, Codable {
    /// The cause a diagnosis names, finer than the status (two 401.2s for different reasons are
    /// different kinds): what requests are grouped and counted by.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case allowed, anonymous, misattributed
        case certificateRequired, certificateNotForwarded, forgedForwardedHeaders, unconfiguredForwarder
        /// A configured forwarder with one property off (`ForwarderResemblance`).
        case forwarderWrongAddress, forwarderCertificateChanged, forwarderPresentsNoCertificate, forwarderWrongSubject, forwarderCertificateNotTrusted
        /// Forwarded-certificate headers from a proxied-connection (CONNECT) address.
        case tunnelCannotForward
        /// A forwarder sent certificate variables (a DN, a verify status) but no certificate.
        case forwarderSentNoCertificate
        case noTrustedChain, impersonation, notForClientAuthentication, certificateAuthority
        case expired, notYetValid, revoked, revocationUnknown
        case notMapped, mappingDisabled, accountOfMappingDisabled, letterCase, renewedCertificate, oneRuleDiffers, ruleOnOtherField, ruleOnOtherSubfield, almostMatchingRule
        case deniedByMapping, allowShadowedByDeny
        case accountDisabled, accountUnknown, resourceNotAllowed, anonymousNotAllowed
        case legacyResetWithoutRemap
        /// Gateway mode: allowed, but the application could not be reached or did not answer.
        case upstreamFailed
    }

    public let kind: Kind
    /// `401.2  valid certificate, no mapping matches` (status and the reason in words).
    public let headline: String
    /// Short name of the cause, for tables and groups.
    public let title: String
    public let cause: String
    public let fix: String
    /// Lines of evidence (near misses, headers removed) behind the cause.
    public let evidence: [String]

    /// Whether this is something to fix (a refusal, or a 200 under someone else's identity).
    public var needsAttention: Bool { kind != .allowed && kind != .anonymous }

    /// Whether the diagnosis of `decision` for `request` would need attention, without putting
    /// it into words: an answer with another user's identity, an allowed request the application
    /// did not answer, or a refusal. Readers of long journals skip the words of the many requests
    /// that were simply allowed; `DiagnosisRules` is where this follows from.
    public static func needsAttention(_ decision: Decision, _ request: Request) -> Bool {
        needsAttention(decision, upstreamFailure: request.upstreamFailure)
    }

    /// The same, from the only thing of the request it reads: why the application did not answer.
    public static func needsAttention(_ decision: Decision, upstreamFailure: String?) -> Bool {
        DiagnosisRules.needsAttention(decision, upstreamFailure: upstreamFailure)
    }

    /// What a diagnosis knows of the request besides its decision.
    public struct Request: Hashable, Sendable {
        public var path: String
        /// 1-based index on its connection.
        public var index: Int
        public var mode: String
        public var proxied: Bool
        /// `tls`, `forwarded:<format>`, `persisted`, `none`.
        public var certificateSource: String
        public var subject: String?
        public var issuer: String?
        /// Gateway mode: the application the request went to, and why it gave no answer (nil: it answered).
        public var upstream: String?
        public var upstreamFailure: String?

        public init(
            path: String, index: Int, mode: String, proxied: Bool, certificateSource: String, subject: String?, issuer: String?,
            upstream: String? = nil, upstreamFailure: String? = nil
        ) {
            self.upstream = upstream
            self.upstreamFailure = upstreamFailure
            self.path = path
            self.index = index
            self.mode = mode
            self.proxied = proxied
            self.certificateSource = certificateSource
            self.subject = subject
            self.issuer = issuer
        }
    }

    public init(kind: Kind, headline: String, title: String, cause: String, fix: String, evidence: [String] = []) {
        self.kind = kind
        self.headline = headline
        self.title = title
        self.cause = cause
        self.fix = fix
        self.evidence = evidence
    }

    /// The diagnosis of `decision` for `request`.
    public init(_ decision: Decision, for request: Request) {
        self = DiagnosisRules.diagnose(decision, request)
    }
}
