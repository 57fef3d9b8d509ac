import ArgumentParser
import CertMapCore

/// `--upstream URL`, shared by `serve` and the console: gateway mode in front of an application.
struct UpstreamOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Gateway mode: pass allowed requests to this application (http:// or https:// URL) with the identity in X-CertMap-* headers; refused ones never reach it (docs/gateway.md).",
        valueName: "url"))
    var upstream: String?

    func validate() throws {
        _ = try url()
    }

    /// The parsed URL, nil without the flag.
    func url() throws -> UpstreamURL? {
        guard let upstream else { return nil }
        do {
            return try UpstreamURL(parsing: upstream)
        } catch {
            throw ValidationError("--upstream: \(error)")
        }
    }
}
