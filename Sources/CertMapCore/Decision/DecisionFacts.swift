import Foundation

/// What a decision knew, as values rather than sentences: why a certificate was not trusted,
/// whether the identity served was the request's own, and which mappings came close. The
/// diagnosis (and anything else that explains a decision) is computed from these, so two
/// causes with the same status never read the same; the trace stays the step-by-step story.
///
/// Optional on `Decision` (journals written before it have none), and recorded only where it
/// is known without extra work on the path of an allowed request: trust problems when
/// validation fails, near misses when nothing (or a deny) matched, a misattribution when a
/// connection's earlier identity answered a request that presented another certificate.
public struct DecisionFacts: Hashable, Sendable, Codable {
    public var trust: TrustProblem?
    public var misattribution: Misattribution?
    public var nearMisses: [NearMiss]
    /// Forwarded-certificate headers removed because the peer may not forward certificates.
    public var strippedHeaders: StrippedHeaders?
    /// Where a forwarded certificate came from, when the request's certificate was forwarded.
    public var forwarded: ForwardedProvenance?
    /// The account a mapping named when the account itself was refused (disabled, unknown, not
    /// allowed on the resource): the decision's `account` is nil then, the diagnosis names it.
    public var refusedAccount: String?
    /// For a 401.3: the resource that governed the request and whom it allows.
    public var resourceRequirement: ResourceRequirement?
    /// The peer is not a certificate forwarder but resembles a configured proxy: a configuration
    /// slip (an address, a stale pin), never a user to map.
    public var proxySlip: ForwarderResemblance?
    /// From a certificate forwarder that forwarded no certificate: the certificate-related headers
    /// it did send (a subject DN, a verify status), names only.
    public var forwarderHeadersWithoutCertificate: [String]?

    public init(
        trust: TrustProblem? = nil, misattribution: Misattribution? = nil, nearMisses: [NearMiss] = [], strippedHeaders: StrippedHeaders? = nil,
        forwarded: ForwardedProvenance? = nil, refusedAccount: String? = nil, proxySlip: ForwarderResemblance? = nil,
        forwarderHeadersWithoutCertificate: [String]? = nil
    ) {
        self.proxySlip = proxySlip
        self.forwarderHeadersWithoutCertificate = forwarderHeadersWithoutCertificate
        self.refusedAccount = refusedAccount
        self.trust = trust
        self.misattribution = misattribution
        self.nearMisses = nearMisses
        self.strippedHeaders = strippedHeaders
        self.forwarded = forwarded
    }

    static let notForClientAuthenticationSummary = "certificate may not be used for TLS client authentication (its extended key usage)"

    public var isEmpty: Bool {
        trust == nil && misattribution == nil && nearMisses.isEmpty && strippedHeaders == nil && forwarded == nil && refusedAccount == nil
            && proxySlip == nil && forwarderHeadersWithoutCertificate == nil && resourceRequirement == nil
    }
}

/// The header and format a certificate forwarder used for a request's certificate and, for
/// `X-Forwarded-Client-Cert`, which element: the evidence behind "whose certificate was this".
public struct ForwardedProvenance: Hashable, Sendable, Codable {
    /// `rfc9440`, `xfcc`, `escapedPEM`, `base64DER`.
    public var format: String
    public var header: String
    public var peer: String
    public var xfccElement: XFCCElementPosition?

    public init(format: String, header: String, peer: String, xfccElement: XFCCElementPosition?) {
        self.format = format
        self.header = header
        self.peer = peer
        self.xfccElement = xfccElement
    }

    /// `certificate forwarded by 127.0.0.3 in X-Forwarded-Client-Cert (xfcc), element 2 of 2 (…)`.
    public var text: String {
        "certificate forwarded by \(peer) in \(header) (\(format))\(xfccElement.map { ", \($0.text)" } ?? "")"
    }
}

/// Forwarded-certificate headers a request carried from a peer that is not a certificate
/// forwarder, and whether that peer looks like a proxy (then it is probably a forwarder nobody
/// configured; otherwise a client forging an identity).
public struct StrippedHeaders: Hashable, Sendable, Codable {
    public var names: [String]
    public var peer: String
    /// Why the peer looks like a proxy (its address is a proxied-connection address, the request
    /// carries Via/Forwarded/X-Forwarded-For); empty: it looks like a plain client.
    public var proxyHints: [String]

    public init(names: [String], peer: String, proxyHints: [String]) {
        self.names = names
        self.peer = peer
        self.proxyHints = proxyHints
    }
}

/// The resource that refused an account (401.3), whom it allows, and the account's groups.
public struct ResourceRequirement: Hashable, Sendable, Codable {
    public var prefix: String
    public var allowAccounts: [String]
    public var allowGroups: [String]
    public var accountGroups: [String]

    public init(prefix: String, allowAccounts: [String], allowGroups: [String], accountGroups: [String]) {
        self.prefix = prefix
        self.allowAccounts = allowAccounts
        self.allowGroups = allowGroups
        self.accountGroups = accountGroups
    }

    /// `account carol, group admins`: whom the resource allows.
    public var allowed: String {
        (allowAccounts.map { "account \($0)" } + allowGroups.map { "group \($0)" }).joined(separator: ", ")
    }

    /// `groups sales`, `no groups`: the refused account's groups.
    public var groups: String {
        accountGroups.isEmpty ? "no groups" : "groups " + accountGroups.joined(separator: ", ")
    }
}

/// Why validation refused a certificate, with the specifics a fix needs.
public enum TrustProblem: Hashable, Sendable, Codable {
    /// No chain to a trusted root; `detail` says where it breaks.
    case noTrustedChain(subject: String, issuer: String, detail: String)
    /// The chain is trusted but the certificate may not be used for TLS client authentication.
    case notForClientAuthentication(subject: String, detail: String)
    /// `inChain`: a CA of the chain, not the client certificate itself.
    case expired(subject: String, notAfter: Date, inChain: Bool)
    /// `checkedAt`: when certmap validated it, so the diagnosis can say by how much a clock is off.
    case notYetValid(subject: String, notBefore: Date, inChain: Bool, checkedAt: Date? = nil)
    /// `by`: "the CRL of CN=…" or "the configured revoked serials".
    case revoked(subject: String, serial: String, by: String, on: Date?, reason: String?)
    /// The CRL of `crlIssuer` covers the certificate but is past `nextUpdate`, and
    /// `trust.staleCRL` is `refuse`.
    case revocationUnknown(subject: String, serial: String, crlIssuer: String, nextUpdate: Date)
}

/// A request answered with an identity its own certificate does not map to: the connection's
/// earlier identity was reused (per-connection persistence behind a pooling proxy).
public struct Misattribution: Hashable, Sendable, Codable {
    /// The certificate this request presented.
    public var presentedSubject: String
    /// What that certificate maps to on its own (nil: nothing, or it is refused).
    public var presentedAccount: String?
    /// What the request was answered as.
    public var servedAccount: String
    /// The request on this connection whose certificate gave the served identity.
    public var mappedFromRequest: Int
    public var mappedFromSubject: String

    public init(presentedSubject: String, presentedAccount: String?, servedAccount: String, mappedFromRequest: Int, mappedFromSubject: String) {
        self.presentedSubject = presentedSubject
        self.presentedAccount = presentedAccount
        self.servedAccount = servedAccount
        self.mappedFromRequest = mappedFromRequest
        self.mappedFromSubject = mappedFromSubject
    }
}

/// A mapping that would have matched but for one thing, and that thing.
public struct NearMiss: Hashable, Sendable, Codable {
    /// The one thing that kept the mapping from matching, so the diagnosis can name the fix.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The mapping matches but is disabled.
        case disabledMapping
        /// The mapping matches but names a disabled account.
        case disabledAccount
        /// Every rule matches except for letter case in a case-sensitive rule.
        case letterCase
        /// All rules but one match.
        case oneRuleDiffers
        /// All rules but one match, and that one would match on the other field (a rule on the
        /// issuer's CN where the subject's was meant, or the reverse).
        case otherField
        /// All rules but one match, and that one would match on another subfield of the same
        /// field (a CN rule holding the e-mail address the certificate has in E or the SAN).
        case otherSubfield
        /// All rules but one match, and that one's fixed text is one typo (an edit or a swap of
        /// two letters) away from the certificate's value.
        case almostMatchingPattern
        /// A one-to-one mapping names a certificate with this subject but another key or serial
        /// (a renewed certificate).
        case renewedCertificate
        /// An allow mapping further down matches, but a deny mapping above it matched first.
        case shadowedByDeny
        /// An untrusted certificate carries the subject of a mapped user (an impersonation
        /// attempt: the fix is never to trust its issuer).
        case impersonation
    }

    public var kind: Kind
    /// `many-to-one #3 "Contoso sales"`, `one-to-one "alice laptop"`.
    public var mapping: String
    public var account: String?
    /// What differs, in words (`subject.OU = "sales" (case-sensitive): the certificate has "Sales"`).
    public var detail: String

    public init(kind: Kind, mapping: String, account: String?, detail: String) {
        self.kind = kind
        self.mapping = mapping
        self.account = account
        self.detail = detail
    }
}
