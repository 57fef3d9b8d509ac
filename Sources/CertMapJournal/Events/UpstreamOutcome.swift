/// What happened to an allowed request that certmap, in gateway mode, passed on to the
/// application: the upstream's status (or why there is none), how long the upstream took to
/// answer, and the bytes each way. Recorded with the request, so Live, the journal, HAR and the
/// diagnosis can tell "the app answered 500" from "certmap refused".
public struct UpstreamOutcome: Codable, Hashable, Sendable {
    /// `http://127.0.0.1:8000`.
    public let upstream: String
    /// The application's status; nil when it never answered (see `failure`).
    public let status: Int?
    /// From sending the request head to the response head, in microseconds (to the failure when none).
    public let latencyMicros: Int
    /// Request body bytes sent to the application.
    public let bytesSent: Int
    /// Response body bytes received from the application and passed to the client.
    public let bytesReceived: Int
    /// Why the application gave no (complete) answer, in words: `connection refused`, `no
    /// response head within 60 s`, `the application closed the connection mid-response`.
    public let failure: String?

    public init(upstream: String, status: Int?, latencyMicros: Int, bytesSent: Int, bytesReceived: Int, failure: String?) {
        self.upstream = upstream
        self.status = status
        self.latencyMicros = latencyMicros
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.failure = failure
    }
}
