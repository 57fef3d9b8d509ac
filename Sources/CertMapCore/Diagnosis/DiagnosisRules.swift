import Foundation

/// How each decision becomes a diagnosis: the facts first (a misattribution, a trust problem, a
/// near miss, removed headers), the reason when there are no facts (journals written before
/// facts existed). One function, so every cause has exactly one wording.
enum DiagnosisRules {
    static func diagnose(_ decision: Decision, _ request: Diagnosis.Request) -> Diagnosis {
        let diagnosis = cause(of: decision, request)
        // Which forwarder, header, format and XFCC element carried the certificate is evidence for every cause.
        guard let forwarded = decision.facts?.forwarded else { return diagnosis }
        return Diagnosis(
            kind: diagnosis.kind, headline: diagnosis.headline, title: diagnosis.title, cause: diagnosis.cause, fix: diagnosis.fix,
            evidence: diagnosis.evidence + [forwarded.text])
    }

    /// Whether `diagnose` gives a kind other than allowed or anonymous, read off the same order
    /// `cause` follows: a misattribution first, then an allowed request whose application failed,
    /// then every refusal; an allowed or anonymous decision otherwise gives allowed or anonymous.
    static func needsAttention(_ decision: Decision, upstreamFailure: String?) -> Bool {
        decision.facts?.misattribution != nil || !decision.isAllowed || upstreamFailure != nil
    }

    private static func cause(of decision: Decision, _ request: Diagnosis.Request) -> Diagnosis {
        let facts = decision.facts ?? DecisionFacts()
        let headline = "\(decision.statusText)  \(decision.summary)"
        let subject = request.subject ?? "the certificate"
        let make = { (kind: Diagnosis.Kind, title: String, cause: String, fix: String, evidence: [String]) in
            Diagnosis(kind: kind, headline: headline, title: title, cause: cause, fix: fix, evidence: evidence)
        }
        let nearMissLines = facts.nearMisses.map { "\($0.mapping)\($0.account.map { " → \($0)" } ?? ""): \($0.detail)" }
        let strippedLine = facts.strippedHeaders.map { "removed \($0.names.joined(separator: ", ")) from \($0.peer)" }.map { [$0] } ?? []

        if let wrong = facts.misattribution {
            let own = wrong.presentedAccount.map { "maps to \($0)" } ?? "maps to no account"
            // The reason's own summary ("mapped to an account that may use this resource") is
            // exactly what is not true of a leaked identity.
            return Diagnosis(kind: .misattributed, headline: "\(decision.statusText)  answered as \(wrong.servedAccount), another user's identity", title: "answered with another user's identity",
                cause: "Answered as \(wrong.servedAccount), but this request presented \(wrong.presentedSubject), which \(own). The identity was mapped from \(wrong.mappedFromSubject) on request \(wrong.mappedFromRequest) of this connection and reused (\(request.mode)): a proxy pooling connections carried another user's request on it.",
                fix: "Switch authentication persistence to per-request (certmap serve --mode per-request, or m in the console), so every request is mapped from its own certificate; per-connection must never run behind a proxy that pools connections.",
                evidence: [])
        }
        if decision.isAllowed, let failure = request.upstreamFailure {
            return make(.upstreamFailed, "application did not answer",
                "certmap allowed \(request.path) as \(decision.account ?? "an anonymous request"), but the application at \(request.upstream ?? "the upstream") gave no complete answer: \(failure).",
                "Start the application or correct the upstream URL (--upstream, server.gateway.upstream, or the resource's upstream); if it is only slow, raise server.gateway.responseTimeoutSeconds.", [])
        }
        if !decision.isAllowed {
            // Forwarded headers or a proxy's certificate: the proxy configuration first, never a
            // mapping for what a proxy presented.
            if let slip = facts.proxySlip {
                return ProxySlipDiagnosis.diagnose(slip, stripped: facts.strippedHeaders, headline: headline, path: request.path)
            }
            if let stripped = facts.strippedHeaders {
                return forwarding(stripped, headline: headline, path: request.path, subject: request.subject, reason: decision.reason)
            }
            if let sent = facts.forwarderHeadersWithoutCertificate, decision.reason == .certificateRequired || decision.reason == .anonymousNotAllowed {
                return ProxySlipDiagnosis.noCertificateForwarded(sent, headline: headline, path: request.path)
            }
        }
        switch decision.reason {
        case .allowed:
            return make(.allowed, "allowed",
                "\(subject) was mapped to \(decision.account ?? "its account")\(decision.mapping.map { " by \($0)" } ?? "") and may use \(request.path).",
                "Nothing to fix: the request was answered with its own certificate's identity.", [])
        case .anonymous:
            return make(.anonymous, "anonymous access", "No account was established and \(request.path) allows anonymous requests.",
                "If \(request.path) should require a certificate, set its client-certificate policy to require.", [])
        case .certificateRequired:
            if request.proxied {
                return make(.certificateNotForwarded, "behind a proxy, no certificate forwarded",
                    "\(request.path) requires a client certificate; the request came through a proxy and neither its TLS nor a forwarded header carried one (source: \(request.certificateSource)).",
                    "Make the TLS-terminating proxy ask the client for its certificate and forward it (Client-Cert, X-Forwarded-Client-Cert, X-SSL-Client-Cert), and list the proxy in server.certificateForwarders by the sha256 of its own certificate; or let clients connect directly.", [])
            }
            return make(.certificateRequired, "missing client certificate", "\(request.path) requires a client certificate and the request presented none.",
                "Configure the client to present its certificate, or relax the resource's policy to accept.", [])
        case .anonymousNotAllowed:
            return make(.anonymousNotAllowed, "anonymous request refused", "The request carried no certificate and \(request.path) does not allow anonymous requests.",
                "Present a client certificate, or set allowAnonymous on \(request.path).", strippedLine)
        case .untrustedCertificate, .certificateExpired, .certificateNotYetValid, .certificateRevoked, .revocationUnknown:
            return trust(facts, decision.reason, headline: headline, subject: subject, issuer: request.issuer, nearMisses: nearMissLines)
        case .certificateIsAuthority:
            return make(.certificateAuthority, "CA certificate presented",
                "\(subject) is a CA certificate (basicConstraints CA:TRUE): it issues certificates and never identifies a client, so it was refused before any mapping.",
                "Present the user's own end-entity certificate; no mapping or trust setting makes a CA certificate acceptable.", [])
        case .notMapped:
            return notMapped(facts, headline: headline, subject: subject, evidence: nearMissLines)
        case .deniedByMapping:
            if let shadowed = facts.nearMisses.first(where: { $0.kind == .shadowedByDeny }) {
                return make(.allowShadowedByDeny, "allow mapping shadowed by a deny",
                    "The deny mapping \(decision.mapping ?? "") matched \(subject) first; \(shadowed.mapping), further down, would have mapped it to \(shadowed.account ?? "its account").",
                    "If this user should get in, move \(shadowed.mapping) above the deny mapping (J/K on screen 3) or narrow the deny mapping's rules.", nearMissLines)
            }
            return make(.deniedByMapping, "deny mapping matched",
                "The first matching many-to-one mapping, \(decision.mapping ?? "a deny mapping"), denies \(subject).",
                "If this user should get in, narrow the deny mapping's rules or move an allow mapping above it.", nearMissLines)
        case .accountDisabled:
            let account = facts.refusedAccount.map { "account \($0)" } ?? "an account"
            return make(.accountDisabled, "mapped account disabled",
                "\(subject) maps\(decision.mapping.map { " by \($0)" } ?? "") to \(account), which is disabled.",
                "Enable \(facts.refusedAccount.map { "account \($0) in accounts[]" } ?? "the account"), or map the certificate to an enabled one.", [])
        case .accountUnknown:
            let account = facts.refusedAccount.map { "account \($0)" } ?? "an account"
            return make(.accountUnknown, "mapping names a missing account",
                "The mapping\(decision.mapping.map { " \($0)" } ?? "") names \(account), which does not exist.",
                "Create \(account) in accounts[] or correct the mapping's account name.", [])
        case .resourceNotAllowed:
            let account = facts.refusedAccount.map { "account \($0)" } ?? "an account"
            if let requirement = facts.resourceRequirement {
                return make(.resourceNotAllowed, "account not allowed on the resource",
                    "\(subject) maps\(decision.mapping.map { " by \($0)" } ?? "") to \(account) (\(requirement.groups)); \(request.path) is governed by the resource \(requirement.prefix), which allows only \(requirement.allowed).",
                    "If \(account) should have access, add it to \(requirement.allowGroups.first.map { "group \($0)" } ?? "the allowed accounts") (accounts[] groups), or allow it on \(requirement.prefix) (resources[] allowAccounts/allowGroups).", [])
            }
            return make(.resourceNotAllowed, "account not allowed on the resource",
                "\(subject) maps\(decision.mapping.map { " by \($0)" } ?? "") to \(account), which is not among the accounts or groups allowed on \(request.path).",
                "Allow \(account) (or one of its groups) on \(request.path), if it should have access.", [])
        case .legacyResetWithoutRemap:
            let previous = max(1, request.index - 1)
            return make(.legacyResetWithoutRemap, "legacy reset without re-map (KB Q190009)",
                "Authentication was reset after request \(previous) of this proxied connection and the certificate was not re-mapped (\(request.mode), KB Q190009). The first request on the connection was mapped; every later one arrives with no identity and gets 401.",
                "Switch authentication persistence to per-request (certmap serve --mode per-request, or press m in the console and choose per-request): every request is then re-mapped from its certificate, as IIS does since NT4 SP4.", [])
        }
    }

    /// Forwarded headers from a peer that resembles no configured proxy.
    private static func forwarding(_ stripped: StrippedHeaders, headline: String, path: String, subject: String?, reason: DecisionReason) -> Diagnosis {
        let names = stripped.names.joined(separator: ", ")
        let judged = subject.map { "on its own certificate, \($0), which was refused: \(reason.summary)" } ?? "without a certificate: it presented none of its own"
        if stripped.proxyHints.isEmpty {
            return Diagnosis(kind: .forgedForwardedHeaders, headline: headline, title: "forged forwarded-certificate headers",
                cause: "The request carried \(names) from \(stripped.peer), a plain client that resembles no configured certificate forwarder or proxy: forwarded certificates are believed only from configured certificate forwarders, so the headers were removed and \(path) was judged \(judged).",
                fix: "Find the client forging them; if a TLS-terminating proxy really sits at \(stripped.peer), add it to server.certificateForwarders with the sha256 of the certificate it presents. \(ProxySlipDiagnosis.noMapping)",
                evidence: ["removed \(names) from \(stripped.peer)"])
        }
        return Diagnosis(kind: .unconfiguredForwarder, headline: headline, title: "forwarded certificate from a proxy that is not a certificate forwarder",
            cause: "\(stripped.peer) looks like a proxy (\(stripped.proxyHints.joined(separator: "; "))) and forwarded \(names), but it resembles no configured certificate forwarder, so the headers were removed and \(path) was judged \(judged).",
            fix: "If it is a TLS-terminating proxy, make it present its own client certificate and add it to server.certificateForwarders with that certificate's sha256 (optionally narrowed by address); if it is a CONNECT proxy, have clients present their certificates through the tunnel.",
            evidence: ["removed \(names) from \(stripped.peer)"])
    }

    private static func trust(_ facts: DecisionFacts, _ reason: DecisionReason, headline: String, subject: String, issuer: String?, nearMisses: [String]) -> Diagnosis {
        let dates = Date.ISO8601FormatStyle().year().month().day()
        if let impersonated = facts.nearMisses.first(where: { $0.kind == .impersonation }) {
            return Diagnosis(kind: .impersonation, headline: headline, title: "mapped user's subject from an untrusted issuer",
                cause: "\(subject) is the subject of \(impersonated.mapping) (account \(impersonated.account ?? "?")), but this certificate was issued by \(issuer ?? "an unknown issuer"), which no trusted root vouches for: someone is presenting a look-alike certificate.",
                fix: "Do not trust this issuer. Find who presents it (the request's peer) and revoke or investigate; the real user's certificate keeps working.",
                evidence: nearMisses)
        }
        switch facts.trust {
        case .notForClientAuthentication(_, let detail):
            return Diagnosis(kind: .notForClientAuthentication, headline: headline, title: "certificate not for client authentication",
                cause: "The chain of \(subject) is trusted, but \(detail).",
                fix: "Issue the user a certificate with the clientAuth extended key usage; a server certificate must never log a user in (trusting its CA again would not help).")
        case .expired(let who, let notAfter, let inChain):
            return Diagnosis(kind: .expired, headline: headline, title: "expired certificate",
                cause: "\(who) expired on \(notAfter.formatted(dates)) (\(inChain ? "a CA in the chain of \(subject)" : "the client certificate itself")).",
                fix: inChain ? "Renew the CA certificate \(who) and re-issue what it signed (and check the server's clock)." : "Issue the user a new certificate (and check the server's clock).")
        case .notYetValid(let who, let notBefore, let inChain, let checkedAt?):
            let skew = Self.duration(notBefore.timeIntervalSince(checkedAt))
            return Diagnosis(kind: .notYetValid, headline: headline, title: "certificate not yet valid",
                cause: "\(who) is not valid until \(notBefore.formatted(.iso8601))\(inChain ? " (a CA in the chain of \(subject))" : ""), \(skew) after certmap checked it (\(checkedAt.formatted(.iso8601))): the clock of the CA that issued it, or this server's, is off by at least that much.",
                fix: "Set the clocks right (NTP) on the CA and on this server; the certificate becomes valid \(skew) after the check, on its own.")
        case .notYetValid(let who, let notBefore, let inChain, nil):
            return Diagnosis(kind: .notYetValid, headline: headline, title: "certificate not yet valid",
                cause: "\(who) is not valid until \(notBefore.formatted(dates))\(inChain ? " (a CA in the chain of \(subject))" : "").",
                fix: "Check the clocks of the CA and the server, or wait until \(notBefore.formatted(dates)).")
        case .revoked(let who, let serial, let by, let on, let why):
            return Diagnosis(kind: .revoked, headline: headline, title: "revoked certificate",
                cause: "\(who) (serial \(serial)) is revoked by \(by)\(on.map { " on \($0.formatted(dates))" } ?? "")\(why.map { " (\($0))" } ?? "").",
                fix: why == "certificateHold"
                    ? "The CA put the certificate on hold (certificateHold): it can release it in its next CRL; otherwise issue the user a new certificate."
                    : "Issue the user a new certificate: a revocation\(why.map { " (\($0))" } ?? "") is permanent, only a hold can be released.")
        case .revocationUnknown(let who, let serial, let crlIssuer, let nextUpdate)?:
            return Diagnosis(kind: .revocationUnknown, headline: headline, title: "revocation status unknown (stale CRL)",
                cause: "The CRL of \(crlIssuer) that covers \(who) (serial \(serial)) is past its nextUpdate (\(nextUpdate.formatted(dates))), so whether it was revoked since is unknown, and trust.staleCRL is \"refuse\".",
                fix: "Install the CA's current CRL at the path in trust.crls (certmap reloads it when the file changes); or set trust.staleCRL to \"warn\" to keep using the old one.")
        case .noTrustedChain(_, let issuer, let detail)?:
            return Diagnosis(kind: .noTrustedChain, headline: headline, title: "no trusted chain",
                cause: "\(subject), issued by \(issuer), does not chain to a trusted root: \(detail).",
                fix: "If \(issuer) is a legitimate CA of yours, add it (and its root) to trust.caBundle; if not, the 403.16 is right.")
        case nil:
            switch reason {
            case .certificateExpired:
                return Diagnosis(kind: .expired, headline: headline, title: "expired certificate", cause: "\(subject) is past its validity period.", fix: "Issue the user a new certificate (and check the server's clock).")
            case .certificateNotYetValid:
                return Diagnosis(kind: .notYetValid, headline: headline, title: "certificate not yet valid", cause: "\(subject) is not valid yet.", fix: "Check the clocks of the CA and the server.")
            case .certificateRevoked:
                return Diagnosis(kind: .revoked, headline: headline, title: "revoked certificate", cause: "\(subject) is on a revocation list.", fix: "Issue the user a new certificate; revoked ones are refused by design.")
            default:
                return Diagnosis(kind: .noTrustedChain, headline: headline, title: "no trusted chain",
                    cause: "\(subject), issued by \(issuer ?? "an unknown issuer"), does not chain to a trusted root or may not be used for client authentication (the Auth trace tab has the details).",
                    fix: "If the issuer is a legitimate CA of yours, add it to trust.caBundle; otherwise the 403.16 is right.")
            }
        }
    }

    /// `12 minutes`, `3 hours`, `2 days`: a clock's error, to the unit a person thinks in.
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        if minutes < 120 { return minutes == 1 ? "1 minute" : "\(max(minutes, 1)) minutes" }
        let hours = Int((seconds / 3600).rounded())
        if hours < 48 { return "\(hours) hours" }
        return "\(Int((seconds / 86_400).rounded())) days"
    }

    private static func notMapped(_ facts: DecisionFacts, headline: String, subject: String, evidence: [String]) -> Diagnosis {
        guard let closest = facts.nearMisses.first else {
            return Diagnosis(kind: .notMapped, headline: headline, title: "valid certificate, no mapping",
                cause: "\(subject) is valid but no enabled one-to-one or many-to-one mapping comes close to matching it.",
                fix: "Add a mapping for it (certmap mappings add, or a on screen 3).")
        }
        let target = "\(closest.mapping)\(closest.account.map { " (account \($0))" } ?? "")"
        let (kind, title, cause, fix): (Diagnosis.Kind, String, String, String)
        switch closest.kind {
        case .disabledMapping:
            (kind, title, cause, fix) = (.mappingDisabled, "matching mapping is disabled", "\(target) \(closest.detail).", "Enable \(closest.mapping) (space on screen 3) if it should apply.")
        case .disabledAccount:
            (kind, title, cause, fix) = (.accountOfMappingDisabled, "matching mapping's account is disabled", "\(target) \(closest.detail).", "Enable the account in accounts[], or point the mapping at an enabled account.")
        case .letterCase:
            (kind, title, cause, fix) = (.letterCase, "rule differs only in letter case", "\(target) matches except for letter case: \(closest.detail).", "Make the rule case-insensitive (drop caseSensitive) or correct its letters.")
        case .renewedCertificate:
            (kind, title, cause, fix) = (.renewedCertificate, "renewed certificate", "\(target) \(closest.detail).", "Map the new certificate (certmap mappings add --cert <new.crt> --account \(closest.account ?? "<account>")) and remove the old mapping when it is no longer used.")
        case .otherField:
            (kind, title, cause, fix) = (.ruleOnOtherField, "rule on the wrong field", "\(target) matches every rule but one: \(closest.detail).", "Change that rule's field in \(closest.mapping) (or on screen 3) if this certificate belongs there.")
        case .almostMatchingPattern:
            (kind, title, cause, fix) = (.almostMatchingRule, "rule one letter away", "\(target) matches every rule but one: \(closest.detail).", "Correct the spelling in \(closest.mapping) (or on screen 3) if this certificate belongs there.")
        case .otherSubfield:
            (kind, title, cause, fix) = (.ruleOnOtherSubfield, "rule on the wrong subfield", "\(target) matches every rule but one: \(closest.detail).", "Change that rule's subfield in \(closest.mapping) (or on screen 3) if this certificate belongs there.")
        case .oneRuleDiffers:
            (kind, title, cause, fix) = (.oneRuleDiffers, "one rule away from a mapping", "\(target) matches every rule but one: \(closest.detail).", "If this certificate belongs there, widen that rule (a wildcard or another value); otherwise add a mapping of its own.")
        case .shadowedByDeny, .impersonation:
            (kind, title, cause, fix) = (.notMapped, "valid certificate, no mapping", "\(subject) is valid but no enabled mapping matches it.", "Add a mapping for it (certmap mappings add, or a on screen 3).")
        }
        return Diagnosis(kind: kind, headline: headline, title: title, cause: cause, fix: fix, evidence: evidence)
    }
}
