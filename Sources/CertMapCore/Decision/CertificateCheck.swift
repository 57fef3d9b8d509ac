/// The validation verdict for a certificate, as the decision engine needs it.
///
/// Chain building and revocation checking are asynchronous and cached per certificate (see
/// `ChainValidator`); the decision itself is a pure function of this verdict, so it stays
/// synchronous, fast and unit-testable.
public struct CertificateCheck: Hashable, Sendable, Codable {
    /// Whether the certificate is valid, or which way it fails; each failure maps to its own
    /// decision reason.
    public enum Verdict: String, Hashable, Sendable, Codable {
        case valid, untrusted, expired, notYetValid, revoked
        /// The covering CRL is stale and `trust.staleCRL` is `refuse`.
        case revocationUnknown
    }

    public let verdict: Verdict
    /// Plain-language evidence for the trace ("chain: CN=alice → ... (trusted anchor)").
    public let notes: [String]
    /// The specifics of a failing verdict, for the diagnosis.
    public let problem: TrustProblem?
    /// `notes` as the validate step's details, made once per check (checks are cached per
    /// certificate) instead of once per request.
    let traceDetails: [TraceDetail]

    public init(verdict: Verdict, notes: [String], problem: TrustProblem? = nil) {
        self.verdict = verdict
        self.notes = notes
        self.problem = problem
        self.traceDetails = notes.map { TraceDetail(verdict == .valid ? .passed : .info, $0) }
    }

    private enum CodingKeys: String, CodingKey { case verdict, notes, problem }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            verdict: try container.decode(Verdict.self, forKey: .verdict), notes: try container.decode([String].self, forKey: .notes),
            problem: try container.decodeIfPresent(TrustProblem.self, forKey: .problem))
    }

    /// The reason a failing verdict maps to; nil when valid.
    var failureReason: DecisionReason? {
        switch verdict {
        case .valid: return nil
        case .untrusted: return .untrustedCertificate
        case .expired: return .certificateExpired
        case .notYetValid: return .certificateNotYetValid
        case .revoked: return .certificateRevoked
        case .revocationUnknown: return .revocationUnknown
        }
    }
}
