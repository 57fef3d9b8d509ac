@testable import CertMapCore

/// Shorthands for building engines and asking them about one request.
enum DecisionFixtures {
    /// The accounts most decision tests map to.
    static let accounts: [Account] = [
        Account(name: "alice", groups: ["engineering", "admins"]),
        Account(name: "sales", groups: ["sales"]),
        Account(name: "engineering", groups: ["engineering"]),
        Account(name: "retired", isEnabled: false),
    ]

    static func engine(
        oneToOne: [OneToOneMapping] = [],
        manyToOne: [ManyToOneMapping] = [],
        oneToOneEnabled: Bool = true,
        manyToOneEnabled: Bool = true,
        accounts: [Account] = accounts,
        resources: [Resource] = [],
        generation: UInt64 = 7
    ) -> DecisionEngine {
        DecisionEngine(
            mappings: MappingIndex(
                oneToOne: oneToOne,
                manyToOne: manyToOne,
                oneToOneEnabled: oneToOneEnabled,
                manyToOneEnabled: manyToOneEnabled
            ),
            policy: AccessPolicy(accounts: accounts, resources: resources),
            generation: generation
        )
    }

    /// A one-to-one mapping for exactly `identity`.
    static func oneToOne(_ name: String, _ identity: CertificateIdentity, account: String, enabled: Bool = true) -> OneToOneMapping {
        OneToOneMapping(name: name, isEnabled: enabled, account: account, fingerprint: identity.sha256, certificateDER: identity.der)
    }

    /// A subject rule (the common case), case-insensitive unless asked.
    static func rule(_ subfield: CertificateSubfield, _ match: String, field: CertificateField = .subject, caseSensitive: Bool = false) -> MappingRule {
        MappingRule(field: field, subfield: subfield, match: match, caseSensitive: caseSensitive)
    }
}

extension CertificateCheck {
    static let trusted = CertificateCheck(verdict: .valid, notes: ["chain: test leaf → Contoso Issuing CA (trusted anchor)"])
}

extension DecisionEngine {
    /// Decides a request for `path` presenting `certificate` with the given verdict.
    func decide(_ certificate: CertificateIdentity?, path: String = "/", check: CertificateCheck? = .trusted) -> Decision {
        decide(AuthenticationRequest(path: path, certificate: certificate, check: certificate == nil ? nil : check))
    }
}

extension Decision {
    /// The summaries of the `map` steps, in order.
    var mapSummaries: [String] { trace.steps(in: .map).map(\.summary) }
}
