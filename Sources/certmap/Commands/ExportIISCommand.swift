import ArgumentParser
import CertMapCore
import Foundation

/// `certmap export iis`: the mappings as an IIS configuration fragment.
struct ExportIISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iis",
        abstract: "Write the mappings and SSL settings as an IIS applicationHost.config fragment.",
        discussion: """
            The output holds system.webServer/security/authentication/iisClientCertificateMappingAuthentication, \
            the root access sslFlags, and a <location path="SITE/path"> per other resource. Passwords are \
            written empty, with a comment: fill them in before use. What IIS cannot express (SAN rules, \
            fingerprint-only mappings, per-resource account lists) is left out and reported on stderr. \
            certmap import iis reads the file back.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .shortAndLong, help: "Output file (default: standard output). Written atomically.", completion: .file())
    var output: String?

    @Option(name: .long, help: "IIS site name for <location path=\"SITE/path\">.")
    var site = "Default Web Site"

    func validate() throws {
        guard !site.isEmpty, !site.contains("/") else { throw ValidationError("--site is an IIS site name, without \"/\"") }
    }

    func run() async throws {
        let document = try ConfigStore(home: try homeOptions.preparedHome()).load()
        let (xml, notes) = IISConfigurationWriter.render(document, site: site)
        // Written first: when the file cannot be written, that one line is all there is to say.
        if let output { try AtomicFileWriter(permissions: 0o644).write(Data(xml.utf8), to: URL(fileURLWithPath: output)) }
        for note in notes {
            FileHandle.standardError.write(Data("certmap: not exported: \(note)\n".utf8))
        }
        if let output {
            FileHandle.standardError.write(Data("certmap: wrote \(document.oneToOne.count) one-to-one and \(document.manyToOne.count) many-to-one mappings to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(xml.utf8))
        }
    }
}
