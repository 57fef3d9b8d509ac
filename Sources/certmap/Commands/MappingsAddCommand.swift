import ArgumentParser
import CertMapCore
import Foundation

/// `certmap mappings add`: a one-to-one mapping (`--cert`) or a many-to-one mapping (`--rule`).
struct MappingsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a one-to-one mapping (--cert) or a many-to-one mapping (--rule ...).",
        discussion: """
            One-to-one:  certmap mappings add --cert alice.crt --account alice
            Many-to-one: certmap mappings add --name "Sales" --account sales --rule O=Contoso --rule OU=Sales
            Deny:        certmap mappings add --name "No contractors" --deny --rule OU=Contractors --position 1
            Rules are [subject.|issuer.]SUBFIELD=CRITERIA with SUBFIELD one of \(CertificateSubfield.spelledOut); \
            * matches any run of characters.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Certificate file for a one-to-one mapping.", completion: .file())
    var cert: String?

    @Option(name: .long, parsing: .singleValue, help: "A many-to-one rule, repeatable (all must match).")
    var rule: [String] = []

    @Option(name: .long, help: "Account the certificate(s) map to.")
    var account: String?

    @Option(name: .long, help: "Mapping name (default for one-to-one: the certificate's CN).")
    var name: String?

    @Option(name: .long, help: "Description of a many-to-one mapping.")
    var description: String = ""

    @Flag(name: .long, help: "Make a many-to-one deny mapping (403.12) instead of an allow mapping.")
    var deny = false

    @Flag(name: .long, help: "Match the rules' criteria case-sensitively.")
    var caseSensitive = false

    @Flag(name: .long, help: "Add the mapping disabled.")
    var disabled = false

    @Option(name: .long, help: "1-based position among many-to-one mappings (default: last).")
    var position: Int?

    @Flag(name: .long, help: "Create the account if it does not exist.")
    var createAccount = false

    func validate() throws {
        guard (cert == nil) != rule.isEmpty else {
            throw ValidationError("give either --cert (one-to-one) or one or more --rule (many-to-one)")
        }
        if cert != nil {
            guard account != nil else { throw ValidationError("a one-to-one mapping needs --account") }
            guard !deny, position == nil, !caseSensitive else { throw ValidationError("--deny, --position and --case-sensitive apply to many-to-one mappings") }
        } else {
            guard name != nil else { throw ValidationError("a many-to-one mapping needs --name") }
            guard deny || account != nil else { throw ValidationError("an allow mapping needs --account (or use --deny)") }
        }
        if let position, position < 1 { throw ValidationError("--position starts at 1") }
    }

    func run() async throws {
        let store = ConfigStore(home: try homeOptions.preparedHome())
        // Read, change and write under the writers' lock: a console or another command saving
        // at the same moment can neither be overwritten nor overwrite this.
        let summary = try store.update { document in
            if let account, createAccount, !document.accounts.contains(where: { $0.name == account }) {
                document.accounts.append(AccountEntry(name: account))
            }
            return try cert != nil ? addOneToOne(to: &document) : addManyToOne(to: &document)
        }
        print("\(summary); saved \(store.file.path)")
    }

    private func addOneToOne(to document: inout ConfigDocument) throws -> String {
        let identity = try CertificateLoader.certificates(at: URL(fileURLWithPath: cert ?? ""))[0]
        if let existing = document.oneToOne.first(where: { Fingerprint(hex: $0.sha256 ?? "") == identity.sha256 }) {
            throw CommandFailure("\(cert ?? ""): this certificate is already mapped by one-to-one \"\(existing.name)\" → \(existing.account)")
        }
        let entry = OneToOneEntry(
            name: name ?? identity.subject.commonName,
            enabled: !disabled,
            account: account ?? "",
            sha256: identity.sha256.colonHex,
            certificate: Data(identity.der).base64EncodedString(),
            subject: identity.subject.rfc2253
        )
        document.oneToOne.append(entry)
        return "added one-to-one \"\(entry.name)\" → \(entry.account) (SHA-256 \(identity.sha256.colonHex))"
    }

    private func addManyToOne(to document: inout ConfigDocument) throws -> String {
        let rules = try rule.map { try RuleSyntax.parse($0, caseSensitive: caseSensitive) }
        let entry = ManyToOneEntry(
            name: name ?? "",
            description: description,
            enabled: !disabled,
            permission: deny ? .deny : .allow,
            account: deny ? nil : account,
            rules: rules
        )
        let index = min((position ?? Int.max) - 1, document.manyToOne.count)
        document.manyToOne.insert(entry, at: index)
        let target = deny ? "deny" : "→ \(account ?? "")"
        return "added many-to-one \"\(entry.name)\" \(target) at position \(index + 1) of \(document.manyToOne.count)"
    }
}
