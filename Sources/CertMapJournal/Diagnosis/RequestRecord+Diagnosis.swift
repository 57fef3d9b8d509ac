import CertMapCore

extension Diagnosis {
    /// The diagnosis of a recorded request (console detail, `diagnose`, replay).
    public init(record: RequestRecord) {
        self.init(record.decision, for: Diagnosis.Request(record: record))
    }
}

extension Diagnosis.Request {
    /// What a diagnosis knows of a recorded request besides its decision.
    public init(record: RequestRecord) {
        self.init(
            path: record.path, index: record.request, mode: record.mode, proxied: record.proxied,
            certificateSource: record.certificateSource, subject: record.certificate?.subject, issuer: record.certificate?.issuer,
            upstream: record.upstream?.upstream, upstreamFailure: record.upstream?.failure)
    }
}
