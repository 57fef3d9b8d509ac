import CertMapCore

/// The editor form for one mapping: labelled text fields, one focused, and the error of the last
/// attempt to apply it, shown inline.
///
/// Many-to-one mappings edit everything (rules in the one-line `RuleSyntax`, separated by `;`);
/// one-to-one mappings edit name, account and enabled (the certificate is chosen with
/// `certmap mappings add --cert`, not typed).
public struct MappingForm: Hashable, Sendable {
    /// What applying the form does: add a new many-to-one mapping, or change an existing one.
    public enum Target: Hashable, Sendable {
        case newManyToOne
        case existing(MappingReference)
    }

    /// One labelled text field of the form: the text being edited, with a hint on what it takes.
    public struct Field: Hashable, Sendable {
        public let label: String
        public var text: String
        public let hint: String
    }

    public let target: Target
    public var fields: [Field]
    public var focus = 0
    public var error: String?

    /// A form for a new many-to-one mapping.
    public static func newManyToOne() -> MappingForm {
        MappingForm(target: .newManyToOne, fields: manyToOneFields(ManyToOneEntry(name: "", account: "", rules: [])))
    }

    /// A form for an existing mapping of `document`.
    public static func editing(_ reference: MappingReference, in document: ConfigDocument) -> MappingForm? {
        switch reference {
        case .oneToOne(let index):
            guard document.oneToOne.indices.contains(index) else { return nil }
            let entry = document.oneToOne[index]
            return MappingForm(target: .existing(reference), fields: [
                Field(label: "Name", text: entry.name, hint: "unique name"),
                Field(label: "Account", text: entry.account, hint: "an account of the configuration"),
                Field(label: "Enabled", text: entry.enabled ? "yes" : "no", hint: "yes or no"),
            ])
        case .manyToOne(let index):
            guard document.manyToOne.indices.contains(index) else { return nil }
            return MappingForm(target: .existing(reference), fields: manyToOneFields(document.manyToOne[index]))
        }
    }

    private static func manyToOneFields(_ entry: ManyToOneEntry) -> [Field] {
        [
            Field(label: "Name", text: entry.name, hint: "unique name"),
            Field(label: "Account", text: entry.account ?? "", hint: "account to map to (empty for deny)"),
            Field(label: "Permission", text: entry.permission.rawValue, hint: "allow or deny"),
            Field(label: "Enabled", text: entry.enabled ? "yes" : "no", hint: "yes or no"),
            Field(label: "Rules", text: entry.rules.map(RuleSyntax.format).joined(separator: "; "), hint: "O=Contoso; issuer.CN=*CA (all must match)"),
            Field(label: "Description", text: entry.description, hint: "optional"),
        ]
    }

    public var title: String {
        switch target {
        case .newManyToOne: return "New many-to-one mapping"
        case .existing(.oneToOne): return "Edit one-to-one mapping"
        case .existing(.manyToOne): return "Edit many-to-one mapping"
        }
    }

    func text(_ label: String) -> String {
        fields.first { $0.label == label }?.text.trimmingCharacters(in: .whitespaces) ?? ""
    }

    /// Applies the form to `document`, or says what is wrong with it (one line).
    func apply(to document: inout ConfigDocument) throws(MappingFormError) {
        let name = text("Name")
        guard !name.isEmpty else { throw MappingFormError("Name: a mapping needs a name") }
        let enabled: Bool
        switch text("Enabled").lowercased() {
        case "yes", "y", "true", "on": enabled = true
        case "no", "n", "false", "off": enabled = false
        default: throw MappingFormError("Enabled: \"\(text("Enabled"))\" is not yes or no")
        }
        let account = text("Account")
        switch target {
        case .existing(.oneToOne(let index)):
            guard !account.isEmpty else { throw MappingFormError("Account: a one-to-one mapping maps to an account") }
            document.oneToOne[index].name = name
            document.oneToOne[index].account = account
            document.oneToOne[index].enabled = enabled
        case .newManyToOne, .existing(.manyToOne):
            guard let permission = MappingPermission(rawValue: text("Permission").lowercased()) else {
                throw MappingFormError("Permission: \"\(text("Permission"))\" is not allow or deny")
            }
            let ruleTexts = text("Rules").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !ruleTexts.isEmpty else { throw MappingFormError("Rules: at least one rule, e.g. O=Contoso") }
            var rules: [RuleEntry] = []
            for rule in ruleTexts {
                do { rules.append(try RuleSyntax.parse(rule)) } catch { throw MappingFormError("Rules: \(error)") }
            }
            if permission == .allow && account.isEmpty { throw MappingFormError("Account: an allow mapping maps to an account") }
            let entry = ManyToOneEntry(
                name: name, description: text("Description"), enabled: enabled, permission: permission,
                account: account.isEmpty ? nil : account, rules: rules)
            if case .existing(.manyToOne(let index)) = target {
                document.manyToOne[index] = entry
            } else {
                document.manyToOne.append(entry)
            }
        }
    }
}

/// Why a form cannot be applied, naming the field.
public struct MappingFormError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
