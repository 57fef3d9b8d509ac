import ArgumentParser
import CertMapCore
import Foundation

/// `certmap pki issue NAME --subject ...`: a new client certificate from the demo issuing CA.
struct PKIIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a client certificate from the demo issuing CA.",
        discussion: """
            The subject uses openssl's syntax: /C=US/O=Acme/OU=Ops/CN=zoe (use + for a \
            multi-valued RDN: /O=Acme/OU=Ops+CN=zoe). Writes <home>/pki/NAME.crt and NAME.key (0600).
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "File name for the credential (letters, digits, '-', '_').")
    var name: String

    @Option(name: .long, help: "Subject, e.g. \"/O=Acme/OU=Ops/CN=zoe\".")
    var subject: String

    @Option(name: .long, help: "E-mail address for the subject alternative name.")
    var email: String?

    func validate() throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("NAME may contain only letters, digits, '-' and '_' (got \"\(name)\")")
        }
    }

    func run() async throws {
        let home = try homeOptions.preparedHome()
        let credential = try CertificateIssuer.issueUser(name: name, subject: subject, email: email, in: home.pkiDirectory, now: Date())
        print("issued \(credential.subject)")
        print("certificate \(credential.certificatePath.path)")
        print("key         \(credential.keyPath.path) (mode 0600)")
        print("sha-256     \(credential.sha256Fingerprint)")
    }
}
