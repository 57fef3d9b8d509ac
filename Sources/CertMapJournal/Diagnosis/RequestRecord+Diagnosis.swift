import CertMapCore

extension Diagnosis {
    /// The diagnosis of a recorded request (console detail, `diagnose`, replay).
    public init(record: RequestRecord) {
        self.init(record.decision, for: Diagnosis.Request(
            path: record.path, index: record.request, mode: record.mode, proxied: record.proxied,
            certificateSource: record.certificateSource, subject: record.certificate?.subject, issuer: record.certificate?.issuer,
            upstream: record.upstream?.upstream, upstreamFailure: record.upstream?.failure))
    }
}
