/// Why a request was answered the way it was: a short, stable code plus its HTTP status and IIS substatus.
///
/// The codes are what the journal stores, what `certmap diagnose` groups by and what the console's
/// Diagnosis tab explains; the statuses are the ones IIS sends for the same situation, so an
/// operator can match certmap's output with IIS logs.
public enum DecisionReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// Mapped to an account allowed on the resource.
    case allowed
    /// No account, but the resource allows anonymous requests.
    case anonymous
    /// 403.7: the resource requires a client certificate and none was presented.
    case certificateRequired
    /// 403.16: the certificate does not chain to a trusted root (or is not valid for client auth).
    case untrustedCertificate
    /// 403.16: the certificate is a CA certificate (`basicConstraints CA:TRUE`): it issues
    /// certificates and never identifies a client, so it is refused before any mapping.
    case certificateIsAuthority
    /// 403.17: the certificate (or one in its chain) has expired.
    case certificateExpired
    /// 403.17: the certificate (or one in its chain) is not valid yet.
    case certificateNotYetValid
    /// 403.13: the certificate's serial is on a CRL or the configured revoked list.
    case certificateRevoked
    /// 403.13: the CRL that covers the certificate is past its nextUpdate and `trust.staleCRL`
    /// is `refuse`: whether it was revoked since is unknown.
    case revocationUnknown
    /// 401.2: a valid certificate that no enabled mapping matches.
    case notMapped
    /// 401.2: no certificate, and the resource does not allow anonymous requests.
    case anonymousNotAllowed
    /// 403.12: the first matching many-to-one mapping is a deny mapping.
    case deniedByMapping
    /// 401.1: the mapped account is disabled.
    case accountDisabled
    /// 401.1: the mapping names an account that does not exist.
    case accountUnknown
    /// 401.3: the account is not among those allowed on the resource.
    case resourceNotAllowed
    /// 401.2 (what IIS 4.0 sent): authentication was reset after an earlier request on a proxied
    /// connection and the certificate was not mapped again — KB Q190009.
    case legacyResetWithoutRemap

    /// The HTTP status code sent on the wire.
    public var status: Int {
        switch self {
        case .allowed, .anonymous: return 200
        case .certificateRequired, .untrustedCertificate, .certificateIsAuthority, .certificateExpired, .certificateNotYetValid,
            .certificateRevoked, .revocationUnknown, .deniedByMapping:
            return 403
        case .notMapped, .anonymousNotAllowed, .accountDisabled, .accountUnknown, .resourceNotAllowed,
            .legacyResetWithoutRemap:
            return 401
        }
    }

    /// The IIS substatus (`7` in 403.7), or nil for success.
    public var substatus: Int? {
        switch self {
        case .allowed, .anonymous: return nil
        case .certificateRequired: return 7
        case .untrustedCertificate, .certificateIsAuthority: return 16
        case .certificateExpired, .certificateNotYetValid: return 17
        case .certificateRevoked, .revocationUnknown: return 13
        case .notMapped, .anonymousNotAllowed, .legacyResetWithoutRemap: return 2
        case .deniedByMapping: return 12
        case .accountDisabled, .accountUnknown: return 1
        case .resourceNotAllowed: return 3
        }
    }

    /// `200`, `401.2`, `403.16`: the value of `X-CertMap-Decision`.
    public var statusText: String {
        // Literals rather than interpolation: this is printed for every request.
        switch self {
        case .allowed, .anonymous: return "200"
        case .certificateRequired: return "403.7"
        case .untrustedCertificate, .certificateIsAuthority: return "403.16"
        case .certificateExpired, .certificateNotYetValid: return "403.17"
        case .certificateRevoked, .revocationUnknown: return "403.13"
        case .notMapped, .anonymousNotAllowed, .legacyResetWithoutRemap: return "401.2"
        case .deniedByMapping: return "403.12"
        case .accountDisabled, .accountUnknown: return "401.1"
        case .resourceNotAllowed: return "401.3"
        }
    }

    /// One plain sentence for people.
    public var summary: String {
        switch self {
        case .allowed: return "mapped to an account that may use this resource"
        case .anonymous: return "no account; the resource allows anonymous requests"
        case .certificateRequired: return "client certificate required but none was presented"
        case .untrustedCertificate: return "certificate is not trusted (no valid chain to a trusted root, or not for client authentication)"
        case .certificateIsAuthority: return "the certificate is a CA certificate (basicConstraints CA:TRUE), which never identifies a client"
        case .certificateExpired: return "certificate has expired"
        case .certificateNotYetValid: return "certificate is not valid yet"
        case .certificateRevoked: return "certificate has been revoked"
        case .revocationUnknown: return "revocation status unknown: the CRL that covers the certificate is out of date (trust.staleCRL is refuse)"
        case .notMapped: return "certificate is valid but no enabled mapping matches it"
        case .anonymousNotAllowed: return "no client certificate and anonymous access is not allowed here"
        case .deniedByMapping: return "a deny mapping matches the certificate"
        case .accountDisabled: return "the mapped account is disabled"
        case .accountUnknown: return "the mapping names an account that does not exist"
        case .resourceNotAllowed: return "the mapped account is not allowed on this resource"
        case .legacyResetWithoutRemap:
            return "authentication was reset after an earlier request on this proxied connection and the certificate was not mapped again (KB Q190009)"
        }
    }
}
