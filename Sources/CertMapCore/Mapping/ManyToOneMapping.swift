/// Whether a matching many-to-one mapping lets the certificate in or shuts it out.
public enum MappingPermission: String, Hashable, Sendable, Codable, CaseIterable {
    case allow
    case deny
}

/// An IIS many-to-one mapping: every certificate whose fields satisfy all the rules maps to one account.
///
/// Mappings are tried in configuration order and the first one whose rules all match decides,
/// whether it allows (the account) or denies (403.12). Disabled mappings are never applied; the
/// trace still mentions one that would have matched, because that is a common cause of 401.2.
public struct ManyToOneMapping: Hashable, Sendable {
    public var name: String
    public var description: String
    public var isEnabled: Bool
    public var permission: MappingPermission
    /// The account a matching certificate maps to; nil for deny mappings.
    public var account: String?
    public var rules: [MappingRule]

    public init(
        name: String,
        description: String = "",
        isEnabled: Bool = true,
        permission: MappingPermission = .allow,
        account: String?,
        rules: [MappingRule]
    ) {
        self.name = name
        self.description = description
        self.isEnabled = isEnabled
        self.permission = permission
        self.account = account
        self.rules = rules
    }

    /// Tests all rules (stopping at the first that fails) and records each one tried, as the
    /// decision trace shows it.
    public func evaluate(_ identity: CertificateIdentity) -> (matched: Bool, details: [TraceDetail]) {
        var tried: [TraceDetail] = []
        tried.reserveCapacity(rules.count)
        for rule in rules {
            let evaluation = rule.evaluate(identity)
            tried.append(TraceDetail(evaluation.matched ? .passed : .failed, .rule(evaluation)))
            if !evaluation.matched { return (false, tried) }
        }
        return (!rules.isEmpty, tried)
    }
}
