import ArgumentParser
import CertMapCore
import Foundation

/// `certmap explain`: decide one certificate against the configuration and show why.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the decision for a client certificate, with every step of its trace.",
        discussion: """
            Validates the certificate against the configured CA bundle and CRLs, maps it \
            (one-to-one, then many-to-one), authorizes it on --path and prints the decision \
            the server would send (200, 401.2, 403.16, ...) with the reason and the full trace.
            A PEM file may hold the leaf followed by its intermediates.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Certificate file (PEM or DER).", completion: .file())
    var cert: String

    @Option(name: .long, help: "Request path to authorize against.")
    var path: String = "/"

    @Flag(name: .long, help: "Print a JSON object instead of text.")
    var json = false

    func validate() throws {
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with \"/\" (got \"\(path)\")") }
    }

    func run() async throws {
        let home = try homeOptions.preparedHome()
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let (leaf, chain) = try CertificateLoader.leafAndChain(at: URL(fileURLWithPath: cert))
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        let check = await validator.check(leaf, presentedChain: chain, at: Date())
        var trace = DecisionTrace()
        trace.record(.source, .info, "certificate read from \(cert)" + (chain.isEmpty ? "" : " with \(chain.count) chain certificate(s)"))
        let decision = snapshot.engine.decide(AuthenticationRequest(path: RequestTarget.decisionPath(for: path), certificate: leaf, check: check), trace: trace)
        print(json ? try DecisionReport(decision: decision, certificate: leaf, path: path).json() : DecisionText.render(decision, certificate: leaf, path: path))
    }
}
