import ArgumentParser
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap export har`: a session (or the whole journal) as HAR 1.2 with `_certmap` fields.
struct ExportHARCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "har",
        abstract: "Write recorded requests as HAR 1.2, with certificate, route, connection, decision and trace under _certmap.",
        discussion: "The file is self-contained: certmap replay --har FILE --dry-run replays it later. Without a selector, the whole journal is exported."
    )

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var sessionOptions: SessionOptions

    @Option(name: .shortAndLong, help: "Output file (default: standard output). Written atomically.", completion: .file())
    var output: String?

    func run() async throws {
        let (session, times) = try sessionOptions.load(home: homeOptions.dataHome)
        let document = HARConversion.document(from: session, times: times)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        if let output {
            try AtomicFileWriter(permissions: 0o644).write(data, to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("certmap: wrote \(session.requests.count) entries to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
