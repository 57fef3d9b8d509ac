import CertMapCore
import CertMapJournal
import Foundation

/// A recorded request for people (`certmap explain --trace`): what was answered and why, the
/// cause and fix as the diagnosis reads them now, the request and certificate as recorded, and
/// the trace of the decision.
enum RecordedDecisionText {
    static func render(_ record: RequestRecord, at time: Date) -> String {
        let decision = record.decision
        let diagnosis = Diagnosis(record: record)
        var lines: [String] = []
        let who = decision.account.map { " as \($0)" } ?? ""
        lines.append("decision     \(decision.statusText)\(who) (\(decision.reason.rawValue))")
        lines.append("headline     \(diagnosis.headline)")
        lines.append("cause        \(diagnosis.cause)")
        for line in diagnosis.evidence { lines.append("evidence     \(line)") }
        lines.append("fix          \(diagnosis.fix)")
        if let mapping = decision.mapping { lines.append("mapping      \(mapping)") }
        lines.append("request      \(record.method) \(record.path), request \(record.request) on connection \(record.connection) from \(record.peer)")
        lines.append("recorded     \(RFC3339Time.string(time)), run \(record.run ?? "?"), route \(record.route), mode \(record.mode), trace \(record.traceID)")
        if let upstream = record.upstream {
            lines.append("application  \(upstream.upstream): \(upstream.failure ?? upstream.status.map { "answered \($0)" } ?? "no answer")")
        }
        if let certificate = record.certificate {
            let use = record.certificateSource == "none" ? "presented, not used for this decision" : "from \(record.certificateSource)"
            lines.append("certificate  \(certificate.subject) (\(use))")
            lines.append("issuer       \(certificate.issuer)")
            lines.append("sha-256      \(certificate.sha256)")
        } else {
            lines.append("certificate  none (\(record.certificateSource))")
        }
        lines.append("")
        lines.append("trace (configuration generation \(decision.generation))")
        lines.append(decision.trace.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
