/// Decisions for requests that do not map their own certificate, because the connection's
/// authentication persisted (reuse) or was reset without a re-map (the Q190009 failure).
extension DecisionEngine {
    /// Runs the request as the connection's persisted identity: no certificate is looked at, but
    /// the account is still checked against this request's resource.
    public func decideReusing(_ persisted: ConnectionAuthentication.Persisted, path: String, trace: DecisionTrace) -> Decision {
        var trace = trace
        let resource = policy.resource(for: path)
        trace.record(
            .map,
            .info,
            "reusing the identity persisted on this connection: account \(persisted.account), mapped from \(persisted.certificateSubject) on request \(persisted.requestIndex); this request's own certificate is not examined"
        )
        let (reason, step, refusal) = policy.authorize(persisted.account, on: resource)
        trace.record(step.stage, step.outcome, step.message)
        guard reason == .allowed else {
            return finish(reason, account: nil, mapping: persisted.mapping, trace: trace, facts: refusal)
        }
        return finish(reason, account: persisted.account, mapping: persisted.mapping, trace: trace)
    }

    /// `decideReusing`, and when the request presented a certificate other than the one the
    /// identity came from, what that certificate maps to on its own: an answer under another
    /// user's identity becomes a `Misattribution` fact, even though its status is 200.
    /// - Parameter check: the presented certificate's verdict when known; without one it is
    ///   mapped as if valid (the question is whose identity it carries, not whether it passes).
    public func decideReusing(
        _ persisted: ConnectionAuthentication.Persisted, path: String, trace: DecisionTrace, presented: CertificateIdentity?, check: CertificateCheck?
    ) -> Decision {
        let decision = decideReusing(persisted, path: path, trace: trace)
        guard let presented, let served = decision.account, presented.subject.rfc2253 != persisted.certificateSubject else { return decision }
        let own = decide(AuthenticationRequest(path: path, certificate: presented, check: check ?? CertificateCheck(verdict: .valid, notes: [])))
        guard own.account != served else { return decision }
        return decision.adding(DecisionFacts(misattribution: Misattribution(
            presentedSubject: presented.subject.rfc2253, presentedAccount: own.account, servedAccount: served,
            mappedFromRequest: persisted.requestIndex, mappedFromSubject: persisted.certificateSubject)))
    }

    /// The pre-SP4 IIS 4.0 failure: authentication was reset after an earlier request on this
    /// proxied connection and the certificate is not mapped again, so the request gets 401.
    public func decideAfterResetWithoutRemap(resetAfterRequest: Int, trace: DecisionTrace) -> Decision {
        var trace = trace
        trace.record(
            .map,
            .failed,
            "authentication was reset after request \(resetAfterRequest) of this proxied connection and remapAfterReset is off, so the certificate is not mapped again (IIS 4.0 before SP4, KB Q190009); switch to per-request"
        )
        return finish(.legacyResetWithoutRemap, account: nil, mapping: nil, trace: trace)
    }
}
