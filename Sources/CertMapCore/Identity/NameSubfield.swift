/// The parts of a certificate that many-to-one rules can test, named as IIS names them.
///
/// IIS 4–10 let a rule test one subfield of the subject or issuer: `CN`, `O`, `OU`, `L`, `S`
/// (state), `C`, `E` (e-mail). certmap adds `SAN.email` and `SAN.dns`, because modern CAs put
/// identities in the subject alternative name rather than the DN.
public enum CertificateSubfield: String, CaseIterable, Hashable, Sendable, Codable {
    case commonName = "CN"
    case organization = "O"
    case organizationalUnit = "OU"
    case locality = "L"
    case state = "S"
    case country = "C"
    case email = "E"
    case sanEmail = "SAN.email"
    case sanDNS = "SAN.dns"

    /// The DN attribute this subfield reads, or nil for SAN subfields.
    public var nameSubfield: NameSubfield? {
        switch self {
        case .commonName: return .commonName
        case .organization: return .organization
        case .organizationalUnit: return .organizationalUnit
        case .locality: return .locality
        case .state: return .state
        case .country: return .country
        case .email: return .email
        case .sanEmail, .sanDNS: return nil
        }
    }

    /// Whether the subfield exists in the issuer name too (SANs belong to the subject only).
    public var appliesToIssuer: Bool { nameSubfield != nil }

    /// "CN, O, OU, L, S, C, E, SAN.email, SAN.dns" — for error messages.
    public static var spelledOut: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A distinguished-name attribute that IIS exposes as a subfield.
public enum NameSubfield: String, CaseIterable, Hashable, Sendable {
    case commonName, organization, organizationalUnit, locality, state, country, email

    /// Dotted OID of the attribute.
    public var oid: String {
        switch self {
        case .commonName: return "2.5.4.3"
        case .organization: return "2.5.4.10"
        case .organizationalUnit: return "2.5.4.11"
        case .locality: return "2.5.4.7"
        case .state: return "2.5.4.8"
        case .country: return "2.5.4.6"
        case .email: return "1.2.840.113549.1.9.1"
        }
    }
}

/// Which name of the certificate a rule reads.
public enum CertificateField: String, CaseIterable, Hashable, Sendable, Codable {
    case subject
    case issuer
}
