import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap explain`: decide one certificate against the configuration and show why.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the decision for a client certificate, or for a request the server recorded, with every step of its trace.",
        discussion: """
            With --cert: validates the certificate against the configured CA bundle and CRLs, maps it \
            (one-to-one, then many-to-one), authorizes it on --path and prints the decision \
            the server would send (200, 401.2, 403.16, ...) with the reason and the full trace.
            A PEM file may hold the leaf followed by its intermediates.
            With --trace: finds the request with that X-CertMap-Trace in the journal and shows \
            how it was decided then (its cause and fix as known now).
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Certificate file (PEM or DER).", completion: .file())
    var cert: String?

    @Option(name: .long, help: "The X-CertMap-Trace of a recorded request (t-3f9a12c0-1a; a unique prefix will do).")
    var trace: String?

    @Option(name: .long, help: "With --trace: journal directory or file (default: <home>/journal).", completion: .file())
    var journal: String?

    @Option(name: .long, help: "Request path to authorize against.")
    var path: String = "/"

    @Flag(name: .long, help: "Print a JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (cert == nil) != (trace == nil) else { throw ValidationError("give --cert FILE (a certificate to decide) or --trace ID (a recorded request), one of them") }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with \"/\" (got \"\(path)\")") }
    }

    func run() async throws {
        if let trace {
            try explainRecorded(trace)
            return
        }
        guard let cert else { return }
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

    /// The recorded request with trace id `id` (or the one request whose id starts with it).
    private func explainRecorded(_ id: String) throws {
        let source = journal.map { URL(fileURLWithPath: $0) } ?? homeOptions.dataHome.journalDirectory
        // One pass, keeping only the requests whose trace id is `id` or starts with it.
        var exact: [(Date, RequestRecord)] = []
        var prefixed: (Date, RequestRecord)?
        var prefixedCount = 0
        let warnings = try JournalReader.stream(source) { event in
            guard case .request(let record) = event.kind, record.traceID.hasPrefix(id) else { return }
            if record.traceID == id {
                exact.append((event.time, record))
            } else {
                prefixedCount += 1
                prefixed = (event.time, record)
            }
        }
        warnings.forEach { FileHandle.standardError.write(Data("certmap: \($0)\n".utf8)) }
        guard let (time, record) = exact.last ?? prefixed else { throw CommandFailure("no request with trace \(id) in \(source.path)") }
        guard exact.count > 0 || prefixedCount == 1 else {
            throw CommandFailure("\(prefixedCount) requests have a trace starting with \(id) in \(source.path); give more of it")
        }
        if json {
            let encoder = EventJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(record), as: UTF8.self))
        } else {
            print(RecordedDecisionText.render(record, at: time))
        }
    }
}
