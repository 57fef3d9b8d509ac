import CertMapCore
import Foundation

/// One human-readable line per event, for `certmap serve --log-format text` and the Events screen.
public enum EventText {
    public static func line(_ event: CertMapEvent) -> String {
        let time = timeFormatter.string(from: event.time)
        switch event.kind {
        case .connectionOpened(let opened):
            let certificate = opened.certificate.map { "CN=\($0.commonName)" } ?? "no client certificate"
            let proxy = opened.forwarder.map { " (certificate forwarder \($0))" } ?? (opened.peerIsTrustedProxy ? " (proxied)" : "")
            return "\(time) conn#\(opened.connection) open   \(opened.peer)\(proxy) \(opened.tlsVersion ?? "?") \(certificate)"
        case .connectionClosed(let closed):
            return "\(time) conn#\(closed.connection) closed after \(closed.requests) request(s): \(closed.reason)"
        case .authStep(let step):
            return "\(time) conn#\(step.connection) req#\(step.request) \(step.step.stage.rawValue) \(step.step.outcome.symbol) \(step.step.summary)"
        case .request(let record):
            let identity = record.certificate.map { "CN=\($0.commonName)" } ?? "-"
            let account = record.decision.account ?? "-"
            return "\(time) conn#\(record.connection) req#\(record.request) \(record.route) \(record.method) \(record.path) → \(record.decision.statusText) \(account) [\(identity) via \(record.certificateSource), \(record.mode), trace \(record.traceID)]"
        case .security(let security):
            let connection = security.connection.map { "conn#\($0) " } ?? ""
            return "\(time) \(connection)SECURITY \(security.category.rawValue) from \(security.peer): \(security.message)"
        case .system(let system):
            return "\(time) \(system.message)"
        case .certificate(let record):
            return "\(time) certificate \(record.sha256.prefix(23))… recorded"
        case .proxyHop(let hop):
            return "\(time) \(proxyHopSummary(hop))"
        }
    }

    /// The lines `certmap serve --log-format text` prints for an event: for a request, its trace
    /// steps (from the record, where they live) and then the request line.
    public static func lines(_ event: CertMapEvent) -> [String] {
        guard case .request(let record) = event.kind else { return [line(event)] }
        let time = timeFormatter.string(from: event.time)
        return record.decision.trace.steps.map {
            "\(time) conn#\(record.connection) req#\(record.request) \($0.stage.rawValue) \($0.outcome.symbol) \($0.summary)"
        } + [line(event)]
    }

    /// `forward proxy f3 tunnel from … opened → server as 127.0.0.2:51234`.
    public static func proxyHopSummary(_ hop: ProxyHop) -> String {
        "\(hop.proxy.rawValue) proxy \(hop.clientLabel) \(ProxyHopText.describe(hop))"
    }

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter
    }()
}
