/// Decides one request from its certificate, validation verdict and path: the pure heart of certmap.
///
/// Order (as IIS applies it): resource policy (recorded as a `source` step: it decides whether a
/// certificate is looked at) → certificate presence (403.7) → not a CA certificate (403.16) →
/// validation (403.16/403.17/403.13) → mapping (one-to-one, then many-to-one; 403.12 for deny, 401.2 when
/// nothing matches) → account (401.1) → resource authorization (401.3). Each step is recorded in
/// the trace. No I/O, no clocks: the same input always gives the same decision. The one shared
/// state is a memo of the near misses found for refused certificates (`NearMissMemo`), which
/// changes no answer, only what a repeated refusal costs.
public struct DecisionEngine: Sendable {
    public let mappings: MappingIndex
    public let policy: AccessPolicy
    public let generation: UInt64
    private let nearMissMemo = NearMissMemo()

    public init(mappings: MappingIndex, policy: AccessPolicy, generation: UInt64) {
        self.mappings = mappings
        self.policy = policy
        self.generation = generation
    }

    /// Decides `request`, appending to `trace` (which may already hold `reset`/`source` steps).
    /// Whether `certificate` imitates the one `mapping` names: another certificate (fingerprint)
    /// with the same subject from another issuer. Unknown when the mapping keeps only a fingerprint.
    static func isLookAlike(_ certificate: CertificateIdentity, of mapping: OneToOneMapping) -> Bool {
        guard mapping.fingerprint != certificate.sha256, let der = mapping.certificateDER, let mapped = try? CertificateIdentity(derEncoded: der) else { return false }
        return mapped.issuer != certificate.issuer
    }

    public func decide(_ request: AuthenticationRequest, trace: DecisionTrace = DecisionTrace()) -> Decision {
        var trace = trace
        trace.reserveCapacity(forAdditionalSteps: 9)
        let resource = policy.resource(for: request.path)
        let policyText = TraceMessage.resourcePolicy(path: request.path, prefix: resource.pathPrefix, policy: resource.clientCertificate)
        guard resource.clientCertificate != .ignore, let certificate = request.certificate else {
            return decideWithoutCertificate(request, resource: resource, policyText: policyText, trace: trace)
        }
        trace.record(.source, .info, policyText)
        if certificate.isCertificateAuthority {
            trace.record(.validate, .failed, .certificateIsAuthority(subject: certificate.subject.rfc2253))
            return finish(.certificateIsAuthority, account: nil, mapping: nil, trace: trace)
        }
        let check = request.check ?? CertificateCheck(verdict: .untrusted, notes: ["the certificate was not validated"])
        let validationDetails = check.traceDetails
        if let failure = check.failureReason {
            if case .notForClientAuthentication? = check.problem {
                trace.record(.validate, .failed, "\(certificate.subject.rfc2253): \(DecisionFacts.notForClientAuthenticationSummary)", details: validationDetails)
            } else {
                trace.record(.validate, .failed, .validationFailed(subject: certificate.subject.rfc2253, reason: failure), details: validationDetails)
            }
            // The subject of a mapped user in another certificate from another issuer: a look-alike,
            // said only when the fingerprint and the issuer both say so (the mapped certificate
            // itself with its intermediate missing is not one).
            let impersonated = check.verdict == .untrusted
                ? mappings.oneToOne(withSubject: certificate.subject.rfc2253).filter { Self.isLookAlike(certificate, of: $0) }.prefix(1).map {
                    NearMiss(kind: .impersonation, mapping: "one-to-one \"\($0.name)\"", account: $0.account, detail: "maps a trusted certificate with this exact subject from another issuer")
                } : []
            return finish(failure, account: nil, mapping: nil, trace: trace, facts: DecisionFacts(trust: check.problem, nearMisses: impersonated))
        }
        trace.record(.validate, .passed, .validationPassed(subject: certificate.subject.rfc2253), details: validationDetails)
        let (outcome, mapSteps) = mappings.map(certificate)
        trace.record(mapSteps)
        switch outcome {
        case .manyToOneDeny(let deny):
            let nearMisses = nearMissMemo.nearMisses(for: certificate.sha256, deny: deny.name) {
                NearMissFinder(mappings: mappings, policy: policy).nearMisses(for: certificate, deniedBy: deny)
            }
            return finish(.deniedByMapping, account: nil, mapping: outcome.mappingLabel, trace: trace, facts: DecisionFacts(nearMisses: nearMisses))
        case .notMapped:
            guard resource.clientCertificate == .accept, resource.allowAnonymous else {
                let nearMisses = nearMissMemo.nearMisses(for: certificate.sha256, deny: nil) {
                    NearMissFinder(mappings: mappings, policy: policy).nearMisses(for: certificate)
                }
                return finish(.notMapped, account: nil, mapping: nil, trace: trace, facts: DecisionFacts(nearMisses: nearMisses))
            }
            trace.record(.authorize, .passed, "\(resource.pathPrefix) accepts unmapped certificates as anonymous")
            return finish(.anonymous, account: nil, mapping: nil, trace: trace)
        case .oneToOne, .manyToOneAllow:
            let account = outcome.account ?? ""
            let (reason, step, refusal) = policy.authorize(account, on: resource)
            trace.record(step.stage, step.outcome, step.message)
            guard reason == .allowed else {
                return finish(reason, account: nil, mapping: outcome.mappingLabel, trace: trace, facts: refusal)
            }
            return finish(reason, account: account, mapping: outcome.mappingLabel, trace: trace)
        }
    }

    private func decideWithoutCertificate(_ request: AuthenticationRequest, resource: Resource, policyText: TraceMessage, trace: DecisionTrace) -> Decision {
        var trace = trace
        trace.record(.source, .info, policyText)
        if resource.clientCertificate == .require {
            trace.record(.validate, .failed, "no client certificate was presented and \(resource.pathPrefix) requires one")
            return finish(.certificateRequired, account: nil, mapping: nil, trace: trace)
        }
        let why = resource.clientCertificate == .ignore ? "client certificates are ignored here" : "no client certificate was presented"
        guard resource.allowAnonymous else {
            trace.record(.authorize, .failed, "\(why) and \(resource.pathPrefix) does not allow anonymous requests")
            return finish(.anonymousNotAllowed, account: nil, mapping: nil, trace: trace)
        }
        trace.record(.authorize, .passed, "\(why); \(resource.pathPrefix) allows anonymous requests")
        return finish(.anonymous, account: nil, mapping: nil, trace: trace)
    }

    func finish(_ reason: DecisionReason, account: String?, mapping: String?, trace: DecisionTrace, facts: DecisionFacts? = nil) -> Decision {
        var trace = trace
        trace.record(.respond, reason.status == 200 ? .passed : .failed, .respond(reason: reason, account: account))
        return Decision(reason: reason, account: account, mapping: mapping, trace: trace, generation: generation, facts: facts)
    }
}
