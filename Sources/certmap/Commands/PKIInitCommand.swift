import ArgumentParser
import CertMapCore
import Foundation

/// `certmap pki init`: write the demo PKI (and, on first run, the demo configuration).
struct PKIInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the demo root and issuing CAs, server, proxy and user certificates, and a CRL.",
        discussion: """
            Users: alice, bob, carol (mapped), dave (matches a deny mapping), erin (unmapped), \
            expired, notyet, revoked (listed in crl.pem) and impostor (alice's exact subject from \
            an untrusted CA). Refuses to replace an existing PKI unless --force; with --force the \
            configuration's references to the replaced demo certificates (one-to-one mappings of \
            demo users, the reverse proxy's pin) move to the new ones, each change is printed, and \
            mappings of your own that the new CA no longer trusts are named.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Replace an existing PKI (existing certificates stop being trusted).")
    var force = false

    func run() async throws {
        let home = homeOptions.dataHome
        try home.create()
        let before = DemoPKIRepoint.certificates(in: home.pkiDirectory)
        let manifest = try DemoPKI.initialize(in: home.pkiDirectory, now: Date(), force: force)
        var rows = [["name", "role", "subject", "sha-256"]]
        for credential in manifest.credentials {
            rows.append([credential.name, credential.role.rawValue, credential.subject, String(credential.sha256Fingerprint.prefix(23)) + "…"])
        }
        print("demo PKI written to \(home.pkiDirectory.path)")
        print(TextTable.render(rows))
        let created = try HomeBootstrap.prepare(home, now: Date())
        for line in created {
            print(line)
        }
        if created.isEmpty, !before.isEmpty {
            try repointConfiguration(home: home, from: before)
        }
    }

    /// Moves the configuration from the replaced demo certificates to the new ones.
    private func repointConfiguration(home: DataHome, from old: [String: CertificateIdentity]) throws {
        let store = ConfigStore(home: home)
        let base: ConfigDocument
        do {
            base = try store.load()
        } catch {
            print("configuration not updated (it does not load; fix it, then re-point by hand): \(error)")
            return
        }
        var document = base
        let report = DemoPKIRepoint.repoint(&document, old: old, new: DemoPKIRepoint.certificates(in: home.pkiDirectory))
        if !report.changes.isEmpty {
            try store.save(document, editedFrom: base)
            print("updated \(store.file.path) (previous version kept as config.json.1):")
            report.changes.forEach { print("  " + $0) }
        } else {
            print("configuration unchanged: it names none of the replaced demo certificates")
        }
        if !report.dangling.isEmpty {
            print("left as they are (yours), but broken by the new PKI:")
            report.dangling.forEach { print("  " + $0) }
        }
    }
}
