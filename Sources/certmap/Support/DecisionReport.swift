import CertMapCore
import Foundation

/// The JSON form of `certmap explain --json` and `certmap mappings test --json`.
///
/// `substatus` is the full IIS code as a string (`"401.2"`) or null for success, so scripts can
/// compare it directly with IIS logs and the `X-CertMap-Decision` header.
struct DecisionReport: Encodable {
    struct CertificateSummary: Encodable {
        let subject: String
        let issuer: String
        let serial: String
        let sha256: String
        let sha1: String
        let notBefore: String
        let notAfter: String
        let subjectAlternativeNames: [String]
    }

    let status: Int
    let substatus: String?
    let decision: String
    let account: String?
    let reason: String
    let summary: String
    let mapping: String?
    let path: String
    let generation: UInt64
    let certificate: CertificateSummary?
    let trace: [TraceStep]
    /// The same diagnosis the console and `certmap diagnose` show.
    let diagnosis: Diagnosis

    init(decision: Decision, certificate: CertificateIdentity?, path: String) {
        self.diagnosis = Diagnosis(decision, for: .explained(certificate: certificate, path: path))
        self.status = decision.status
        self.substatus = decision.substatus == nil ? nil : decision.statusText
        self.decision = decision.statusText
        self.account = decision.account
        self.reason = decision.reason.rawValue
        self.summary = decision.summary
        self.mapping = decision.mapping
        self.path = path
        self.generation = decision.generation
        self.certificate = certificate.map {
            CertificateSummary(
                subject: $0.subject.rfc2253,
                issuer: $0.issuer.rfc2253,
                serial: $0.serialNumber,
                sha256: $0.sha256.colonHex,
                sha1: $0.sha1.colonHex,
                notBefore: $0.notValidBefore.iso8601,
                notAfter: $0.notValidAfter.iso8601,
                subjectAlternativeNames: $0.subjectAlternativeNames.map(\.description)
            )
        }
        self.trace = decision.trace.steps
    }

    private enum CodingKeys: String, CodingKey {
        case status, substatus, decision, account, reason, summary, mapping, path, generation, certificate, trace, diagnosis
    }

    /// Like the synthesized encoder, but absent values are written as `null` so scripts can rely
    /// on every key being present.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(substatus, forKey: .substatus)
        try container.encode(decision, forKey: .decision)
        try container.encode(account, forKey: .account)
        try container.encode(reason, forKey: .reason)
        try container.encode(summary, forKey: .summary)
        try container.encode(mapping, forKey: .mapping)
        try container.encode(path, forKey: .path)
        try container.encode(generation, forKey: .generation)
        try container.encode(certificate, forKey: .certificate)
        try container.encode(trace, forKey: .trace)
        try container.encode(diagnosis, forKey: .diagnosis)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

extension Date {
    /// `2026-11-25T10:00:00Z`.
    var iso8601: String { ISO8601DateFormatter().string(from: self) }
}

extension Diagnosis.Request {
    /// One certificate explained on its own: a direct first request under per-request mode.
    static func explained(certificate: CertificateIdentity?, path: String) -> Diagnosis.Request {
        Diagnosis.Request(
            path: path, index: 1, mode: "per-request", proxied: false, certificateSource: certificate == nil ? "none" : "tls",
            subject: certificate?.subject.rfc2253, issuer: certificate?.issuer.rfc2253)
    }
}
