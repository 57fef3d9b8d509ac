import Foundation

/// Reading `<iisClientCertificateMappingAuthentication>`: the section switches, one-to-one
/// mappings (base64 DER certificates) and many-to-one mappings with their rules.
///
/// A mapping that cannot be translated exactly is skipped as a whole with a note: importing a
/// many-to-one mapping without one of its rules would let in certificates IIS refuses.
extension IISDocumentWalker {
    mutating func readMappingSection(_ element: XMLTreeElement, at path: XMLPath, location: IISLocation) {
        let switches = ["enabled", "oneToOneCertificateMappingsEnabled", "manyToOneCertificateMappingsEnabled"]
        reportUnknown(element, at: path, known: Set(switches + ["defaultLogonDomain", "logonMethod"]), children: ["oneToOneMappings", "manyToOneMappings"])
        for name in ["defaultLogonDomain", "logonMethod"] where element.attributes[name] != nil {
            note(.notImported, path.attribute(name), "Windows logon settings have no certmap equivalent")
        }
        var values: [String: Bool] = [:]
        for name in switches {
            guard let raw = element.attributes[name] else { continue }
            guard let value = IISBoolean.parse(raw) else {
                note(.skipped, path.attribute(name), "\"\(raw)\" is not true or false")
                continue
            }
            values[name] = value
        }
        if values["enabled"] != true {
            let why = values["enabled"] == false ? "enabled=\"false\"" : "no enabled attribute (IIS default: false)"
            note(.info, path.description, "IIS client-certificate mapping is off here (\(why)); certmap imports the mappings and applies them")
        }
        if let value = values["oneToOneCertificateMappingsEnabled"] { result.oneToOneEnabled = value }
        if let value = values["manyToOneCertificateMappingsEnabled"] { result.manyToOneEnabled = value }
        for (child, childPath) in element.childrenWithPaths(at: path) {
            switch child.name {
            case "oneToOneMappings": readCollection(child, at: childPath) { walker, add, addPath in walker.readOneToOne(add, at: addPath) }
            case "manyToOneMappings": readCollection(child, at: childPath) { walker, add, addPath in walker.readManyToOne(add, at: addPath) }
            default: break
            }
        }
    }

    /// An IIS collection: `<add>` items, plus `<clear/>` and `<remove>` which act on inherited items.
    private mutating func readCollection(_ element: XMLTreeElement, at path: XMLPath, add: (inout IISDocumentWalker, XMLTreeElement, XMLPath) -> Void) {
        reportUnknown(element, at: path, known: [], children: ["add", "clear", "remove"])
        for (child, childPath) in element.childrenWithPaths(at: path) {
            switch child.name {
            case "add":
                add(&self, child, childPath)
            case "clear":
                note(.info, childPath.description, "<clear/> drops mappings inherited from parent configuration in IIS; certmap merges into its own mappings unless you import with --replace")
            case "remove":
                note(.notImported, childPath.description, "<remove> removes an inherited mapping in IIS; remove it in certmap with certmap mappings remove")
            default:
                break
            }
        }
    }

    /// `<add enabled userName password certificate/>` in `<oneToOneMappings>`.
    mutating func readOneToOne(_ element: XMLTreeElement, at path: XMLPath) {
        reportUnknown(element, at: path, known: ["enabled", "userName", "password", "certificate"])
        let userName = element.attributes["userName"]?.trimmingSpaces ?? ""
        reportPassword(element, at: path, owner: userName.isEmpty ? "this one-to-one mapping" : userName)
        guard let base64 = element.attributes["certificate"], !base64.trimmingSpaces.isEmpty else {
            return note(.skipped, path.description, "one-to-one mapping without a certificate (the attribute is required)")
        }
        guard let der = Data(base64Encoded: base64.filter { !$0.isWhitespace }) else {
            return note(.skipped, path.attribute("certificate"), "not base64; IIS stores the certificate as base64 DER without PEM headers")
        }
        let identity: CertificateIdentity
        do {
            identity = try CertificateIdentity(derEncoded: Array(der))
        } catch {
            return note(.skipped, path.attribute("certificate"), "base64 of \(der.count) bytes that are not an X.509 certificate")
        }
        guard !userName.isEmpty else {
            return note(.skipped, path.description, "one-to-one mapping for \(identity.subject.rfc2253) has no userName, so it maps to no account")
        }
        if let problem = AccountName.problem(userName) {
            return note(.skipped, path.attribute("userName"), "userName \"\(userName.escapingControlCharacters)\" \(problem); mapping skipped")
        }
        guard let enabled = boolean(element, "enabled", default: true, at: path) else { return }
        if let first = oneToOneSources[identity.sha256] {
            return note(.skipped, path.description, "the same certificate is already mapped at \(first)")
        }
        oneToOneSources[identity.sha256] = path
        let entry = OneToOneEntry(
            name: uniqueOneToOneName(identity.subject.commonName),
            enabled: enabled,
            account: userName,
            sha256: identity.sha256.colonHex,
            certificate: der.base64EncodedString(),
            subject: identity.subject.rfc2253
        )
        result.oneToOne.append(entry)
        useAccount(userName)
    }

    /// `<add name description enabled permissionMode userName password><rules>…</rules></add>` in `<manyToOneMappings>`.
    mutating func readManyToOne(_ element: XMLTreeElement, at path: XMLPath) {
        reportUnknown(element, at: path, known: ["name", "description", "enabled", "permissionMode", "userName", "password"], children: ["rules"])
        let name = element.attributes["name"]?.trimmingSpaces ?? ""
        reportPassword(element, at: path, owner: name.isEmpty ? "this many-to-one mapping" : "many-to-one mapping \"\(name)\"")
        guard !name.isEmpty else { return note(.skipped, path.description, "many-to-one mapping without a name (the attribute is required)") }
        if let first = manyToOneSources[name] {
            return note(.skipped, path.description, "a many-to-one mapping named \"\(name)\" is already defined at \(first)")
        }
        guard let enabled = boolean(element, "enabled", default: true, at: path) else { return }
        let permission: MappingPermission
        switch element.attributes["permissionMode"]?.trimmingSpaces.lowercased() {
        case nil, "allow", "1": permission = .allow
        case "deny", "2": permission = .deny
        case let other?:
            return note(.skipped, path.attribute("permissionMode"), "\"\(other)\" is not Allow or Deny; mapping \"\(name)\" skipped")
        }
        let userName = element.attributes["userName"]?.trimmingSpaces ?? ""
        if permission == .allow && userName.isEmpty {
            return note(.skipped, path.description, "allow mapping \"\(name)\" has no userName, so it maps to no account")
        }
        if permission == .allow, let problem = AccountName.problem(userName) {
            return note(.skipped, path.attribute("userName"), "userName \"\(userName.escapingControlCharacters)\" \(problem); mapping \"\(name)\" skipped")
        }
        if permission == .deny && !userName.isEmpty {
            note(.info, path.attribute("userName"), "deny mapping \"\(name)\" maps to no account; userName \"\(userName.escapingControlCharacters)\" is not used")
        }
        var rules: [RuleEntry] = []
        for (child, childPath) in element.childrenWithPaths(at: path) where child.name == "rules" {
            reportUnknown(child, at: childPath, known: [], children: ["add", "clear", "remove"])
            for (rule, rulePath) in child.childrenWithPaths(at: childPath) {
                switch rule.name {
                case "add":
                    guard let entry = readRule(rule, at: rulePath, mapping: name) else { return }
                    rules.append(entry)
                case "clear":
                    rules.removeAll()
                case "remove":
                    return note(.skipped, rulePath.description, "<remove> in the rules of \"\(name)\" cannot be applied; mapping skipped")
                default:
                    break
                }
            }
        }
        guard !rules.isEmpty else {
            return note(.skipped, path.description, "many-to-one mapping \"\(name)\" has no rules; IIS never applies it and certmap requires at least one")
        }
        manyToOneSources[name] = path
        let description = element.attributes["description"] ?? ""
        result.manyToOne.append(ManyToOneEntry(name: name, description: description, enabled: enabled, permission: permission, account: permission == .allow ? userName : nil, rules: rules))
        if permission == .allow { useAccount(userName) }
    }

    /// `<add certificateField certificateSubField matchCriteria compareCaseSensitive/>`; nil (with a
    /// note) when the rule cannot be represented, which skips its mapping.
    private mutating func readRule(_ element: XMLTreeElement, at path: XMLPath, mapping: String) -> RuleEntry? {
        reportUnknown(element, at: path, known: ["certificateField", "certificateSubField", "matchCriteria", "compareCaseSensitive"])
        let skipped = "; mapping \"\(mapping)\" skipped (without this rule it would match more certificates than in IIS)"
        let field: CertificateField
        switch element.attributes["certificateField"]?.trimmingSpaces.lowercased() {
        case "subject", "1": field = .subject
        case "issuer", "2": field = .issuer
        case nil:
            note(.skipped, path.description, "rule without certificateField (Subject or Issuer)\(skipped)")
            return nil
        case let other?:
            note(.skipped, path.attribute("certificateField"), "\"\(other)\" is not Subject or Issuer\(skipped)")
            return nil
        }
        let rawSubfield = element.attributes["certificateSubField"]?.trimmingSpaces ?? ""
        guard let subfield = CertificateSubfield.allCases.first(where: { $0.nameSubfield != nil && $0.rawValue.lowercased() == rawSubfield.lowercased() }) else {
            note(.skipped, path.attribute("certificateSubField"), "\"\(rawSubfield)\" is not one of CN, O, OU, L, S, C, E\(skipped)")
            return nil
        }
        guard let match = element.attributes["matchCriteria"], !match.isEmpty else {
            note(.skipped, path.attribute("matchCriteria"), "missing or empty matchCriteria\(skipped)")
            return nil
        }
        guard let caseSensitive = boolean(element, "compareCaseSensitive", default: true, at: path) else { return nil }
        return RuleEntry(field: field, subfield: subfield, match: match, caseSensitive: caseSensitive)
    }

    /// The boolean attribute `name` (IIS's `default` when absent); nil with a note when it is not a boolean.
    private mutating func boolean(_ element: XMLTreeElement, _ name: String, default value: Bool, at path: XMLPath) -> Bool? {
        guard let raw = element.attributes[name] else { return value }
        guard let parsed = IISBoolean.parse(raw) else {
            note(.skipped, path.attribute(name), "\"\(raw)\" is not true or false; <\(element.name)> skipped")
            return nil
        }
        return parsed
    }

    /// The certificate's CN, made unique among the imported one-to-one mappings (IIS names none).
    private mutating func uniqueOneToOneName(_ base: String) -> String {
        var name = base.isEmpty ? "one-to-one" : base
        var counter = 2
        while oneToOneNames.contains(name) {
            name = "\(base) (\(counter))"
            counter += 1
        }
        oneToOneNames.insert(name)
        return name
    }

    private mutating func useAccount(_ name: String) {
        if !result.accounts.contains(name) { result.accounts.append(name) }
    }
}
