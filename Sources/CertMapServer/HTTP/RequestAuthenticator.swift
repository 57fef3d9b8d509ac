import CertMapCore
import CertMapJournal
import NIOHTTP1

/// One connection's request pipeline as a value, without channels, event loops or clocks
/// (docs/design.md §5): `reset` → certificate `source` → `validate` → `map` → `authorize` →
/// `respond`, each step in the trace of the request's record. Connection-level persistence
/// (IIS `AuthPersistence`) decides whether a request maps its own certificate, reuses the
/// connection's identity, or fails after a reset (KB Q190009).
///
/// A request goes through it in two calls, because validating a certificate not seen before may
/// need I/O (CRLs) that the caller does on its own terms:
/// 1. `begin` screens the forwarded-certificate headers and plans the request: it is either
///    answered at once (a malformed forwarded header) or `Prepared`, naming the certificate to
///    validate, if any;
/// 2. `finish` takes that certificate's check and returns the decision, the request's record and
///    the response to write.
/// The channel handler only adapts bytes to these calls; tests drive them directly.
struct RequestAuthenticator {
    /// What the authenticator knows of its connection once the TLS handshake is done.
    let connection: ConnectionInfo
    /// The journal's name for this server process (`RequestRecord.run`).
    let run: String
    private(set) var authentication: ConnectionAuthentication
    /// Requests begun on this connection (the current one's 1-based index).
    private(set) var requestIndex = 0
    /// Text that is the same for most of a connection's requests, made at its first use: why the
    /// request counts as proxied when it carries no proxy headers, where its TLS certificate
    /// came from, and the certificate's summary for the record.
    private var unproxiedExplanation: String?
    private var tlsSourceExplanation: String?
    private var summary: (sha256: Fingerprint, summary: CertificateSummary)?
    /// Whether this connection's own certificate is a configured forwarder's, presented by a peer
    /// that is not recognised as that forwarder (a proxy slip), per generation.
    private var slip: (generation: UInt64, resemblance: ForwarderResemblance?)?

    init(connection: ConnectionInfo, run: String, persistence: AuthPersistence) {
        self.connection = connection
        self.run = run
        self.authentication = ConnectionAuthentication(persistence: persistence)
    }

    /// What `begin` made of a request.
    enum Start {
        /// Answered without a decision (a malformed forwarded-certificate header: 400, closing).
        case answered(ErrorAnswer)
        /// Planned: validate `Prepared.certificateToCheck` (if any), then `finish`.
        case prepared(Prepared)
    }

    /// A response for input the pipeline never got to judge, with the security event that says why.
    struct ErrorAnswer {
        let status: HTTPResponseStatus
        let message: String
        let event: SecurityEvent
    }

    /// A request planned by `begin`, waiting for its certificate's check.
    struct Prepared {
        /// The request head with its target normalised (`RequestTarget.normalized`; an
        /// absolute-form target's authority as `Host`): what is decided is what is forwarded.
        let head: HTTPRequestHead
        /// The path resources are matched against (`RequestTarget.decisionPath`).
        let decisionPath: String
        let snapshot: ConfigSnapshot
        let proxy: ProxyIndication
        let plan: ConnectionAuthentication.Plan
        /// The certificate this request presented (TLS or forwarded), used or not.
        let source: CertificateSource
        var trace: DecisionTrace
        /// Decision facts gathered while screening (stripped headers, forwarded provenance).
        let facts: [DecisionFacts]
        /// Security events to publish now (a spoofing attempt), before the request's record.
        let events: [SecurityEvent]

        /// The certificate to validate before `finish`: the source's leaf when this request maps it.
        var certificateToCheck: CertificateIdentity? {
            if case .map = plan { return source.leaf }
            return nil
        }
    }

    /// A decided request: what to publish and what to answer.
    struct Outcome {
        let decision: Decision
        let record: RequestRecord
        /// The certificate the request presented, for the journal's certificate store.
        let certificate: CertificateIdentity?
        let response: HTTPResponseHead
        let body: String
        let keepAlive: Bool
    }

    /// Why a request head is refused before it is judged (431), or nil.
    static func headRejection(_ head: HTTPRequestHead, limits: ServerLimits) -> (HTTPResponseStatus, String)? {
        var bytes = head.uri.utf8.count
        for field in head.headers { bytes += field.name.utf8.count + field.value.utf8.count + 4 }
        guard bytes > limits.maxHeaderBytes else { return nil }
        return (.requestHeaderFieldsTooLarge, "request headers are \(bytes) bytes; the limit is \(limits.maxHeaderBytes)")
    }

    /// Starts the next request on the connection under `generation`: its configuration, trust and
    /// persistence mode (switchable live: a change starts the connection's authentication state afresh).
    mutating func begin(_ received: HTTPRequestHead, in generation: ServerGeneration) -> Start {
        let persistence = generation.persistence
        let snapshot = generation.snapshot
        requestIndex += 1
        if persistence != authentication.persistence {
            authentication = ConnectionAuthentication(persistence: persistence)
        }
        let target: RequestTarget
        switch RequestTarget.read(received.uri, isOptions: received.method == .OPTIONS, servedHosts: generation.servedHosts) {
        case .failure(let refusal):
            let message = "request target \"\(received.uri.escapingControlCharacters)\" refused: \(refusal)"
            let event = SecurityEvent(category: .malformedRequest, connection: connection.id, peer: connection.peer, message: message, reason: "target")
            return .answered(ErrorAnswer(status: .badRequest, message: message, event: event))
        case .success(let read):
            target = read
        }
        var head = received
        if target.differs(from: received.uri) { head.uri = target.normalized }
        if let authority = target.authority { head.headers.replaceOrAdd(name: "Host", value: authority) }
        let proxy = ProxyIndication(role: connection.role, requestHeaders: head.headers)
        var trace = DecisionTrace()
        trace.record(.reset, .info, .requestReset(request: requestIndex, connection: connection.id, persistence: persistence))
        trace.record(.source, .info, explanation(of: proxy))
        if let note = Self.targetNote(received: received.uri, target: target) { trace.record(.source, .info, note) }
        var facts: [DecisionFacts] = []
        var events: [SecurityEvent] = []
        let forwarded: ForwardedCertificate?
        switch generation.gate.judge(head.headers, peerMayForward: connection.role.mayForwardCertificates) {
        case .notForwarded:
            forwarded = nil
            if connection.role.mayForwardCertificates {
                let sent = Self.certificateRelatedHeaders(head.headers)
                if !sent.isEmpty {
                    trace.record(.source, .info, "the forwarder sent \(sent.joined(separator: ", ")) but no certificate: certmap maps only from a whole certificate, never from a DN")
                    facts.append(DecisionFacts(forwarderHeadersWithoutCertificate: sent))
                }
            } else if let resemblance = proxySlip(snapshot) {
                facts.append(DecisionFacts(proxySlip: resemblance))
            }
        case .forwarded(let certificate):
            if !certificate.otherFormatsPresent.isEmpty {
                let ignored = certificate.otherFormatsPresent.map(\.rawValue).joined(separator: ", ")
                trace.record(.source, .info, "also present and ignored (lower precedence): \(ignored)")
            }
            forwarded = certificate
            facts.append(DecisionFacts(forwarded: ForwardedProvenance(
                format: certificate.format.rawValue, header: certificate.headerName, peer: connection.peer, xfccElement: certificate.xfccElement)))
        case .spoofed(let headers):
            let resemblance = ForwarderResemblance.of(address: connection.address, leaf: connection.presented.first, server: snapshot.document.server)
            let (message, stripped) = spoofing(headers, head: head, resemblance: resemblance)
            trace.record(.source, .failed, message)
            facts.append(DecisionFacts(strippedHeaders: stripped, proxySlip: resemblance))
            events.append(SecurityEvent(category: .spoof, connection: connection.id, peer: connection.peer, message: message))
            forwarded = nil
        case .malformed(let error):
            let forwarder = connection.role.forwarder.map { " (from forwarder \"\($0)\" at \(connection.peer))" } ?? ""
            let event = SecurityEvent(
                category: .malformedForwardedHeader, connection: connection.id, peer: connection.peer, message: error.description + forwarder, reason: "forwarded_header")
            return .answered(ErrorAnswer(status: .badRequest, message: error.description, event: event))
        }
        // The certificate this request presented is recorded even when it is not used, so a
        // reused identity ("presented bob, answered as alice") is visible in events.
        let source = certificateSource(forwarded: forwarded)
        let plan = authentication.plan()
        if case .map(let why) = plan {
            trace.record(.source, .info, why)
            trace.record(.source, source.leaf == nil ? .info : .passed, explanation(of: source))
        }
        return .prepared(Prepared(head: head, decisionPath: target.decisionPath, snapshot: snapshot, proxy: proxy, plan: plan, source: source, trace: trace, facts: facts, events: events))
    }

    /// Decides a prepared request with its certificate's `check` (nil when none was needed) and
    /// applies the persistence rules for the next one.
    /// - Parameters:
    ///   - traceID: the request's `X-CertMap-Trace`.
    ///   - durationMicros: time from the head arriving to now, by the caller's clock.
    mutating func finish(_ prepared: Prepared, check: CertificateCheck?, traceID: String, durationMicros: Int) -> Outcome {
        let engine = prepared.snapshot.engine
        let path = prepared.decisionPath
        let presented = prepared.source.leaf
        var decision: Decision
        let recordedSource: String
        switch prepared.plan {
        case .reuse(let persisted):
            decision = engine.decideReusing(persisted, path: path, trace: prepared.trace, presented: presented, check: check)
            recordedSource = "persisted"
        case .failAfterReset(let resetAfter):
            decision = engine.decideAfterResetWithoutRemap(resetAfterRequest: resetAfter, trace: prepared.trace)
            recordedSource = "none"
        case .map:
            decision = engine.decide(AuthenticationRequest(path: path, certificate: presented, check: presented == nil ? nil : check), trace: prepared.trace)
            recordedSource = prepared.source.label
        }
        for facts in prepared.facts { decision = decision.adding(facts) }
        let wasReset = authentication.record(decision, certificateSubject: presented?.subject.rfc2253, requestIsProxied: prepared.proxy.isProxied)
        if wasReset {
            // The reset after this request is part of its story: it goes in the trace the record carries.
            let reset = TraceMessage.resetAfterRequest(request: requestIndex, proxied: prepared.proxy.isProxied, remaps: authentication.persistence.remapAfterReset)
            decision.append(TraceStep(stage: .reset, outcome: .info, message: reset))
        }
        let head = prepared.head
        let keepAlive = head.isKeepAlive
        let body = DecisionResponse.body(for: decision, traceID: traceID)
        let response = DecisionResponse.head(for: decision, traceID: traceID, version: head.version, keepAlive: keepAlive, bodyLength: body.utf8.count)
        let record = RequestRecord(
            traceID: traceID, connection: connection.id, request: requestIndex, method: head.method.rawValue, path: head.uri,
            peer: connection.peer, route: prepared.proxy.route, proxied: prepared.proxy.isProxied, mode: authentication.persistence.description,
            certificateSource: recordedSource, certificate: presented.map { summary(of: $0) }, decision: decision,
            durationMicros: durationMicros, run: run
        )
        return Outcome(decision: decision, record: record, certificate: presented, response: response, body: body, keepAlive: keepAlive)
    }

    private mutating func explanation(of proxy: ProxyIndication) -> String {
        guard proxy.headers.isEmpty else { return proxy.explanation }
        if let unproxiedExplanation { return unproxiedExplanation }
        unproxiedExplanation = proxy.explanation
        return proxy.explanation
    }

    private mutating func explanation(of source: CertificateSource) -> String {
        guard case .tls = source else { return source.explanation }
        if let tlsSourceExplanation { return tlsSourceExplanation }
        tlsSourceExplanation = source.explanation
        return source.explanation
    }

    private mutating func summary(of certificate: CertificateIdentity) -> CertificateSummary {
        if let summary, summary.sha256 == certificate.sha256 { return summary.summary }
        let made = CertificateSummary(certificate)
        summary = (certificate.sha256, made)
        return made
    }

    /// The trace line saying how the target was read, or nil when that is plain to see.
    static func targetNote(received: String, target: RequestTarget) -> String? {
        var parts: [String] = []
        if target.differs(from: received) {
            let shown = received.count > 200 ? received.prefix(200) + "…" : Substring(received)
            parts.append("target \"\(shown)\" normalised to \"\(target.normalized)\"")
        }
        if target.leavesOutParameters {
            parts.append("resources matched on \"\(target.decisionPath)\" (path parameters left out)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ") + "; decided and forwarded as normalised"
    }

    /// How this connection's certificate resembles a configured forwarder's (computed once per
    /// connection and generation; only a certificate can say so without forwarded headers).
    private mutating func proxySlip(_ snapshot: ConfigSnapshot) -> ForwarderResemblance? {
        guard let leaf = connection.presented.first, !snapshot.document.server.certificateForwarders.isEmpty else { return nil }
        if let slip, slip.generation == snapshot.generation { return slip.resemblance }
        let resemblance = ForwarderResemblance.of(address: connection.address, leaf: leaf, server: snapshot.document.server, sentForwardedHeaders: false)
        slip = (snapshot.generation, resemblance)
        return resemblance
    }

    /// Names of headers that look like a proxy's certificate variables (a subject DN, a verify
    /// status, a serial) though no certificate header was sent.
    static func certificateRelatedHeaders(_ headers: HTTPHeaders) -> [String] {
        headers.compactMap { field -> String? in
            let name = HeaderNameFolding.folded(field.name)
            let related = ["ssl", "cert", "-dn", "verify", "client-s", "client-i", "subject"].contains { name.contains($0) }
            return related ? field.name : nil
        }
    }

    /// The trace line and facts for forwarded-certificate headers from a peer that may not forward.
    private func spoofing(_ headers: [String], head: HTTPRequestHead, resemblance: ForwarderResemblance?) -> (String, StrippedHeaders) {
        var hints: [String] = []
        if connection.role.proxied { hints.append("its address is a proxied-connection address") }
        if head.headers.contains(name: "Via") || head.headers.contains(name: "Forwarded") || head.headers.contains(name: "X-Forwarded-For") {
            hints.append("the request carries proxy headers (Via, Forwarded or X-Forwarded-For)")
        }
        let tunnel = connection.role.proxied ? " (a proxied connection such as a CONNECT tunnel carries the client's own TLS and headers)" : ""
        var message = "removed forwarded-certificate header(s) \(headers.joined(separator: ", ")): \(connection.peer) is not a certificate forwarder\(tunnel); the request is judged on its own TLS identity"
        if case .forwarder(let name, _, let difference) = resemblance {
            message += "; it resembles forwarder \"\(name)\" but \(difference.clause)"
        }
        return (message, StrippedHeaders(names: headers, peer: connection.peer, proxyHints: hints))
    }

    /// A forwarded certificate from a forwarder, else the connection's TLS peer certificate
    /// (unless that is the forwarder's own certificate, which never stands for a user).
    private func certificateSource(forwarded: ForwardedCertificate?) -> CertificateSource {
        if let forwarded { return .forwarded(forwarded) }
        guard let leaf = connection.presented.first, !connection.role.certificateIsForwarderIdentity else { return .none }
        return .tls(leaf: leaf, chain: Array(connection.presented.dropFirst()))
    }
}
