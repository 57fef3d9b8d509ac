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
            an untrusted CA). Refuses to replace an existing PKI unless --force.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Replace an existing PKI (existing certificates stop being trusted).")
    var force = false

    func run() async throws {
        let home = homeOptions.dataHome
        try home.create()
        let manifest = try DemoPKI.initialize(in: home.pkiDirectory, now: Date(), force: force)
        var rows = [["name", "role", "subject", "sha-256"]]
        for credential in manifest.credentials {
            rows.append([credential.name, credential.role.rawValue, credential.subject, String(credential.sha256Fingerprint.prefix(23)) + "…"])
        }
        print("demo PKI written to \(home.pkiDirectory.path)")
        print(TextTable.render(rows))
        for line in try HomeBootstrap.prepare(home, now: Date()) {
            print(line)
        }
    }
}
