import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap doctor`: checks a deployment before any traffic — certificates, CA bundle, CRLs,
/// forwarders, clock, mappings, resources — one line per finding with its fix; exit 1 on errors.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the deployment without traffic: certificates and chain, CA bundle, CRLs, forwarders, clock, mappings; exit 1 on errors.",
        discussion: """
            Errors (exit 1): an expired or incomplete server certificate chain, an expired CA, a CA bundle \
            with no usable root, a trust file the server would refuse, a forwarder rule that can never match, \
            a clock before the deployment's own certificates. Warnings: certificates expiring within 30 days, \
            stale CRLs, rules on the wrong field, shadowed or duplicate mappings, mappings to disabled accounts, \
            address-only forwarders, groups no account has.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "A proxy's certificate file: which forwarder rule it satisfies, or why none does.", completion: .file())
    var forwarderCert: String?

    @Flag(name: .long, help: "Print the findings as JSON.")
    var json = false

    func run() async throws {
        let home = try homeOptions.preparedHome()
        let document = try ConfigStore(home: home).load()
        if let forwarderCert, !FileManager.default.fileExists(atPath: forwarderCert) {
            throw CommandFailure("\(forwarderCert): no such file")
        }
        let findings = DeploymentDoctor.examine(document, home: home, forwarderCertificate: forwarderCert.map { URL(fileURLWithPath: $0) })
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.filter { $0.severity == .warning }.count
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(findings), as: UTF8.self))
        } else {
            for finding in findings { print(finding) }
            print("\(home.url.path): \(errors) error(s), \(warnings) warning(s)")
        }
        if errors > 0 { throw ExitCode.failure }
    }
}
