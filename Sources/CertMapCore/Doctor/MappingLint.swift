/// `certmap doctor`'s checks of the mappings and resources: what validation accepts but cannot
/// work as meant — a rule on the issuer whose value is a known subject (or the reverse), a
/// mapping no certificate can reach because an earlier one matches everything it does, the same
/// certificate mapped twice, mappings to disabled accounts, groups nobody has.
public enum MappingLint {
    /// - Parameter known: certificates certmap knows (the CA bundle, one-to-one certificates, the
    ///   demo PKI), to tell subject values from issuer values.
    public static func check(_ document: ConfigDocument, known: [CertificateIdentity]) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let accounts = Dictionary(document.accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let leafCommonNames = Set(known.filter { !$0.isCertificateAuthority }.flatMap { $0.subject.values(of: .commonName) }.map { $0.lowercased() })
        let authorityCommonNames = Set(known.filter(\.isCertificateAuthority).flatMap { $0.subject.values(of: .commonName) }.map { $0.lowercased() })

        for (index, entry) in document.manyToOne.enumerated() where entry.enabled {
            let path = "manyToOne[\(index)] \"\(entry.name)\""
            for rule in entry.rules where rule.subfield == .commonName {
                let value = rule.match.lowercased()
                if rule.field == .issuer, leafCommonNames.contains(value) {
                    findings.append(DoctorFinding(.warning, "mappings", "\(path) has a rule issuer.CN = \(rule.match), but \(rule.match) is the CN of a client certificate, not of a CA: the rule can never match",
                                                  fix: "set the rule's field to subject"))
                } else if rule.field == .subject, authorityCommonNames.contains(value), !leafCommonNames.contains(value) {
                    findings.append(DoctorFinding(.warning, "mappings", "\(path) has a rule subject.CN = \(rule.match), but \(rule.match) is the CN of a CA, not of a client: did you mean the issuer?",
                                                  fix: "set the rule's field to issuer"))
                }
            }
            if let account = entry.account, let known = accounts[account], !known.enabled {
                findings.append(DoctorFinding(.warning, "mappings", "\(path) maps to account \(account), which is disabled: its users get 401.1",
                                              fix: "enable the account, or map to another"))
            }
            for (earlierIndex, earlier) in document.manyToOne.enumerated().prefix(index) where earlier.enabled && shadows(earlier, entry) {
                findings.append(DoctorFinding(.warning, "mappings",
                    "\(path) can never decide: manyToOne[\(earlierIndex)] \"\(earlier.name)\" comes first and matches every certificate it does (its rules are a subset)",
                    fix: "move \"\(entry.name)\" above \"\(earlier.name)\", or narrow \"\(earlier.name)\""))
                break
            }
        }
        var fingerprints: [String: Int] = [:]
        for (index, entry) in document.oneToOne.enumerated() {
            let path = "oneToOne[\(index)] \"\(entry.name)\""
            let fingerprint = entry.certificate.flatMap { [UInt8](base64Encoded: $0) }.map { Fingerprint.sha256(of: $0).colonHex }
                ?? entry.sha256.flatMap(Fingerprint.init(hex:))?.colonHex
            if let fingerprint {
                if let first = fingerprints[fingerprint] {
                    findings.append(DoctorFinding(.warning, "mappings", "\(path) maps the same certificate as oneToOne[\(first)]: only the first one decides",
                                                  fix: "remove one of them"))
                } else {
                    fingerprints[fingerprint] = index
                }
            }
            if entry.enabled, let known = accounts[entry.account], !known.enabled {
                findings.append(DoctorFinding(.warning, "mappings", "\(path) maps to account \(entry.account), which is disabled: its user gets 401.1",
                                              fix: "enable the account, or map to another"))
            }
        }
        let groups = Set(document.accounts.filter(\.enabled).flatMap(\.groups))
        for (index, resource) in document.resources.enumerated() {
            for group in resource.allowGroups where !groups.contains(group) {
                findings.append(DoctorFinding(.warning, "resources", "resources[\(index)] \(resource.path) allows group \(group), which no enabled account has: nobody gets in by it",
                                              fix: "add the group to an account, or correct its name"))
            }
            for account in resource.allowAccounts where accounts[account]?.enabled == false {
                findings.append(DoctorFinding(.warning, "resources", "resources[\(index)] \(resource.path) allows account \(account), which is disabled", fix: "enable it or remove it"))
            }
        }
        return findings
    }

    /// Whether every certificate `later` matches is matched by `earlier` first: every rule of
    /// `earlier` is one of `later`'s (same field, subfield, value and case rule), or matches anything.
    static func shadows(_ earlier: ManyToOneEntry, _ later: ManyToOneEntry) -> Bool {
        earlier.rules.allSatisfy { rule in
            rule.match == "*" || later.rules.contains { $0.field == rule.field && $0.subfield == rule.subfield && $0.caseSensitive == rule.caseSensitive && $0.match.lowercased() == rule.match.lowercased() }
        }
    }
}
