/// What the mapping stage concluded for one certificate, with the evidence for the trace.
public enum MappingOutcome: Hashable, Sendable {
    /// A one-to-one mapping names this exact certificate.
    case oneToOne(OneToOneMapping)
    /// The first matching enabled many-to-one mapping allows, mapping to its account.
    case manyToOneAllow(ManyToOneMapping)
    /// The first matching enabled many-to-one mapping is a deny mapping.
    case manyToOneDeny(ManyToOneMapping)
    /// Nothing enabled matched.
    case notMapped

    /// The account the certificate maps to, if any.
    public var account: String? {
        switch self {
        case .oneToOne(let mapping): return mapping.account
        case .manyToOneAllow(let mapping): return mapping.account
        case .manyToOneDeny, .notMapped: return nil
        }
    }

    /// How the deciding mapping is named in decisions and lists.
    public var mappingLabel: String? {
        switch self {
        case .oneToOne(let mapping): return "one-to-one \"\(mapping.name)\""
        case .manyToOneAllow(let mapping), .manyToOneDeny(let mapping): return "many-to-one \"\(mapping.name)\""
        case .notMapped: return nil
        }
    }
}
