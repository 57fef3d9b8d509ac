/// Applies an `IISImportResult` to a configuration document and lists every change in words,
/// so `certmap import iis --dry-run` can show exactly what a save would do.
///
/// Merge (the default) updates mappings that exist (one-to-one by certificate, many-to-one by
/// name) and adds the others; replace drops certmap's mappings first, and its resources too when
/// the file sets any `sslFlags`. Accounts are only ever added — other settings may refer to them.
/// The result is not validated here; `ConfigStore.save` does that before anything is written.
public enum IISImportMerge {
    /// Whether the import is merged into certmap's mappings (the default) or replaces them.
    public enum Mode: Hashable, Sendable {
        case merge
        case replace
    }

    /// The merged document and one line per change (empty when the file changes nothing).
    public static func apply(_ result: IISImportResult, to original: ConfigDocument, mode: Mode) -> (document: ConfigDocument, changes: [String]) {
        var document = original
        var changes: [String] = []
        if mode == .replace {
            changes += document.oneToOne.map { "remove one-to-one \"\($0.name)\"" }
            changes += document.manyToOne.map { "remove many-to-one \"\($0.name)\"" }
            document.oneToOne = []
            document.manyToOne = []
        }
        let defaultSwitch: Bool? = mode == .replace ? true : nil
        if let value = result.oneToOneEnabled ?? defaultSwitch, value != document.mapping.oneToOneEnabled {
            document.mapping.oneToOneEnabled = value
            changes.append("\(value ? "enable" : "disable") one-to-one mappings")
        }
        if let value = result.manyToOneEnabled ?? defaultSwitch, value != document.mapping.manyToOneEnabled {
            document.mapping.manyToOneEnabled = value
            changes.append("\(value ? "enable" : "disable") many-to-one mappings")
        }
        for account in result.accounts where !document.accounts.contains(where: { $0.name == account }) {
            document.accounts.append(AccountEntry(name: account))
            changes.append("add account \"\(account)\" (an IIS userName with no certmap account)")
        }
        for entry in result.oneToOne {
            changes += merge(entry, into: &document.oneToOne)
        }
        for entry in result.manyToOne {
            changes += merge(entry, into: &document.manyToOne)
        }
        changes += mergeResources(result.resources, into: &document.resources, replacing: mode == .replace)
        return (document, changes)
    }

    private static func merge(_ entry: OneToOneEntry, into entries: inout [OneToOneEntry]) -> [String] {
        let fingerprint = entry.sha256.flatMap(Fingerprint.init(hex:))
        if let index = entries.firstIndex(where: { $0.sha256.flatMap(Fingerprint.init(hex:)) == fingerprint && fingerprint != nil }) {
            let existing = entries[index]
            guard existing.account != entry.account || existing.enabled != entry.enabled || existing.certificate == nil else { return [] }
            entries[index].account = entry.account
            entries[index].enabled = entry.enabled
            entries[index].certificate = entry.certificate
            entries[index].subject = entry.subject
            return ["update one-to-one \"\(existing.name)\": → \(entry.account)\(entry.enabled ? "" : " (disabled)")"]
        }
        var named = entry
        var counter = 2
        while entries.contains(where: { $0.name == named.name }) {
            named.name = "\(entry.name) (\(counter))"
            counter += 1
        }
        entries.append(named)
        return ["add one-to-one \"\(named.name)\" → \(named.account)\(named.enabled ? "" : " (disabled)")"]
    }

    private static func merge(_ entry: ManyToOneEntry, into entries: inout [ManyToOneEntry]) -> [String] {
        let target = entry.permission == .deny ? "deny" : "→ \(entry.account ?? "")"
        let rules = entry.rules.map(RuleSyntax.format).joined(separator: " & ")
        if let index = entries.firstIndex(where: { $0.name == entry.name }) {
            guard entries[index] != entry else { return [] }
            entries[index] = entry
            return ["replace many-to-one \"\(entry.name)\" \(target) [\(rules)]"]
        }
        entries.append(entry)
        return ["add many-to-one \"\(entry.name)\" \(target) [\(rules)]\(entry.enabled ? "" : " (disabled)")"]
    }

    private static func mergeResources(_ settings: [IISResourceSetting], into resources: inout [ResourceEntry], replacing: Bool) -> [String] {
        var changes: [String] = []
        if replacing && settings.contains(where: { $0.clientCertificate != nil }) {
            let kept = Set(settings.map(\.path))
            changes += resources.filter { !kept.contains($0.path) }.map { "remove resource \($0.path)" }
            resources.removeAll { !kept.contains($0.path) }
        }
        for setting in settings {
            if let index = resources.firstIndex(where: { $0.path == setting.path }) {
                var updated = resources[index]
                if let policy = setting.clientCertificate { updated.clientCertificate = policy }
                if updated.clientCertificate == .require {
                    updated.allowAnonymous = false
                } else if let anonymous = setting.allowAnonymous {
                    updated.allowAnonymous = anonymous
                }
                guard updated != resources[index] else { continue }
                changes.append("update resource \(setting.path): \(describe(resources[index])) → \(describe(updated))")
                resources[index] = updated
            } else if let policy = setting.clientCertificate {
                let entry = ResourceEntry(path: setting.path, clientCertificate: policy, allowAnonymous: policy != .require && setting.allowAnonymous == true)
                resources.append(entry)
                changes.append("add resource \(setting.path): \(describe(entry))")
            }
        }
        return changes
    }

    private static func describe(_ resource: ResourceEntry) -> String {
        "client certificate \(resource.clientCertificate.rawValue)\(resource.allowAnonymous ? ", anonymous allowed" : "")"
    }
}
