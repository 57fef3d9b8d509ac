import ArgumentParser
import CertMapJournal

/// `certmap logformat PROXY`: the configuration lines that make a proxy's access log carry what
/// `certmap import log` needs (the client certificate itself, the proxy's verdict, connection
/// and request numbers where the proxy has them).
struct LogFormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logformat",
        abstract: "Print the access-log configuration for nginx, haproxy, caddy or envoy that certmap import log reads.",
        discussion: "Add the printed lines to the proxy's configuration, send traffic, then: certmap import log FILE --format PROXY."
    )

    /// Accepted like every command's (the output does not depend on it).
    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "nginx, haproxy, caddy or envoy.")
    var proxy: String

    @Option(name: .long, help: "Where the proxy writes the access log.")
    var log: String = "/var/log/certmap-access.log"

    func validate() throws {
        guard AccessLogFormat(rawValue: proxy) != nil else {
            throw ValidationError("unknown proxy \"\(proxy)\"; give one of \(AccessLogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        print(AccessLogFormat(rawValue: proxy)!.configuration(logPath: log), terminator: "")
    }
}
