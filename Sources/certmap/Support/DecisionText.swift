import CertMapCore

/// Renders a decision for people: the verdict first, then the certificate, then the trace.
enum DecisionText {
    static func render(_ decision: Decision, certificate: CertificateIdentity?, path: String) -> String {
        var lines: [String] = []
        let who = decision.account.map { " as \($0)" } ?? ""
        lines.append("decision     \(decision.statusText)\(who) (\(decision.reason.rawValue))")
        lines.append("why          \(decision.summary)")
        let diagnosis = Diagnosis(decision, for: .explained(certificate: certificate, path: path))
        lines.append("cause        \(diagnosis.cause)")
        for line in diagnosis.evidence { lines.append("evidence     \(line)") }
        lines.append("fix          \(diagnosis.fix)")
        if let mapping = decision.mapping { lines.append("mapping      \(mapping)") }
        lines.append("path         \(path)")
        if let certificate {
            lines.append("certificate  \(certificate.subject.rfc2253)")
            lines.append("issuer       \(certificate.issuer.rfc2253)")
            lines.append("serial       \(certificate.serialNumber)")
            lines.append("sha-256      \(certificate.sha256.colonHex)")
            lines.append("valid        \(certificate.notValidBefore.iso8601) … \(certificate.notValidAfter.iso8601)")
            if !certificate.subjectAlternativeNames.isEmpty {
                lines.append("san          \(certificate.subjectAlternativeNames.map(\.description).joined(separator: ", "))")
            }
        }
        lines.append("")
        lines.append("trace (configuration generation \(decision.generation))")
        lines.append(decision.trace.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
