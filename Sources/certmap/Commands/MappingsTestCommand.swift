import ArgumentParser
import CertMapCore
import Foundation

/// `certmap mappings test`: which mapping each of several certificates hits — a quick check
/// after an edit, without reading full traces.
struct MappingsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Decide several certificates at once and print one line each.",
        discussion: "Exit status is 0 when every certificate was decided (whatever the decision), 1 on bad input."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Certificate files: --cert a.crt b.crt, or --cert repeated.", completion: .file())
    var cert: [String]

    @Option(name: .long, help: "Request path to authorize against.")
    var path: String = "/"

    @Flag(name: .long, help: "Print a JSON array of decisions.")
    var json = false

    func validate() throws {
        guard !cert.isEmpty else { throw ValidationError("give at least one --cert") }
    }

    func run() async throws {
        let home = try homeOptions.preparedHome()
        let snapshot = try ConfigStore(home: home).loadSnapshot()
        let validator = try TrustConfiguration.validator(for: snapshot.document.trust, home: home)
        var rows = [["certificate", "decision", "account", "mapping", "subject", "cause / fix"]]
        var reports: [DecisionReport] = []
        for file in cert {
            let (leaf, chain) = try CertificateLoader.leafAndChain(at: URL(fileURLWithPath: file))
            let check = await validator.check(leaf, presentedChain: chain, at: Date())
            let decision = snapshot.engine.decide(AuthenticationRequest(path: RequestTarget.decisionPath(for: path), certificate: leaf, check: check))
            reports.append(DecisionReport(decision: decision, certificate: leaf, path: path))
            let diagnosis = Diagnosis(decision, for: .explained(certificate: leaf, path: path))
            rows.append([file, decision.statusText, decision.account ?? "-", decision.mapping ?? "-", leaf.subject.rfc2253, diagnosis.needsAttention ? "\(diagnosis.title): \(diagnosis.fix)" : "-"])
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            print(TextTable.render(rows))
        }
    }
}
