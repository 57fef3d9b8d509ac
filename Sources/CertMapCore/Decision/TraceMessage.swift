/// What one line of a decision trace says, kept as the names and values it is made of and put
/// into words only when somebody reads it.
///
/// Every request records a trace and almost nobody reads one: building each sentence eagerly
/// cost more than the decision it explained (docs/benchmarks.md, "Decision latency"). A message
/// holds references to strings that already exist (mapping names, accounts, the certificate's
/// subject) and plain numbers, so recording one allocates nothing; `text` renders it for the
/// console, `explain`, the journal and HAR alike, always the same words.
///
/// `text(_:)` is the escape hatch for lines that are not on the per-request path (the CLI's own
/// notes, lines read back from a journal).
public enum TraceMessage: Sendable {
    /// Already-rendered text.
    case text(String)

    /// `/admin/x is governed by /admin (client certificate: require)`.
    case resourcePolicy(path: String, prefix: String, policy: ClientCertificatePolicy)
    /// Validation refused or passed the certificate with `subject`.
    case certificateIsAuthority(subject: String)
    case validationFailed(subject: String, reason: DecisionReason)
    case validationPassed(subject: String)

    case oneToOneSwitchedOff
    case oneToOneNotFound(sha256: Fingerprint, mappings: Int)
    case oneToOneDisabled(name: String)
    case oneToOneMatched(name: String, account: String)
    case manyToOneSwitchedOff
    case manyToOneCandidates(candidates: Int, mappings: Int)
    /// `number` is 1-based, as lists show mappings.
    case manyToOneNoMatch(number: Int, name: String)
    case manyToOneDisabled(number: Int, name: String)
    case manyToOneDenies(number: Int, name: String)
    case manyToOneMatched(number: Int, name: String, account: String?)
    case nothingMatched
    /// One rule of a many-to-one mapping, tried.
    case rule(RuleEvaluation)

    case accountUnknown(account: String)
    case accountDisabled(account: String)
    case anyMappedAccount(prefix: String, account: String)
    case accountListed(prefix: String, account: String)
    case groupListed(prefix: String, group: String, account: String)

    /// The last line: `200 as alice — mapped to an account that may use this resource`.
    case respond(reason: DecisionReason, account: String?)

    /// The first line of every request a server decides:
    /// `request 2 on connection 7: authentication context reset (per-request)`.
    case requestReset(request: Int, connection: UInt64, persistence: AuthPersistence)
    /// Appended when the persistence mode resets after a request:
    /// `authentication reset after request 1 (proxied); the next request maps its certificate again`.
    case resetAfterRequest(request: Int, proxied: Bool, remaps: Bool)
    /// Why a request maps its certificate: the connection's first, nothing persisted, or
    /// `authentication was reset after request 1; remapping the certificate`.
    /// The first line of a request re-decided by a dry-run replay:
    /// `replay of request 2 on connection 7 (per-request)`.
    case replayOf(request: Int, connection: UInt64, persistence: AuthPersistence)
    case firstRequest
    case nothingPersisted
    case remapAfterReset(request: Int)

    /// The words, rendered now.
    public var text: String {
        switch self {
        case .text(let text):
            return text
        case .resourcePolicy(let path, let prefix, let policy):
            return "\(path) is governed by \(prefix) (client certificate: \(policy.rawValue))"
        case .certificateIsAuthority(let subject):
            return "\(subject): \(DecisionReason.certificateIsAuthority.summary)"
        case .validationFailed(let subject, let reason):
            return "\(subject): \(reason.summary)"
        case .validationPassed(let subject):
            return "\(subject): chain trusted, within validity, not revoked"
        case .oneToOneSwitchedOff:
            return "one-to-one mapping is switched off"
        case .oneToOneNotFound(let sha256, let mappings):
            return "one-to-one: no mapping for SHA-256 \(sha256.colonHex) (\(mappings) one-to-one mappings)"
        case .oneToOneDisabled(let name):
            return "one-to-one \"\(name)\" names this certificate but is disabled; continuing with many-to-one"
        case .oneToOneMatched(let name, let account):
            return "one-to-one \"\(name)\" names this exact certificate → account \(account)"
        case .manyToOneSwitchedOff:
            return "many-to-one mapping is switched off"
        case .manyToOneCandidates(let candidates, let mappings):
            return "many-to-one: \(candidates) of \(mappings) mappings can match this certificate; trying them in order"
        case .manyToOneNoMatch(let number, let name):
            return "many-to-one #\(number) \"\(name)\": no match"
        case .manyToOneDisabled(let number, let name):
            return "many-to-one #\(number) \"\(name)\" matches but is disabled"
        case .manyToOneDenies(let number, let name):
            return "many-to-one #\(number) \"\(name)\" matches and denies access"
        case .manyToOneMatched(let number, let name, let account):
            return "many-to-one #\(number) \"\(name)\" matches → account \(account ?? "?")"
        case .nothingMatched:
            return "no enabled mapping matches this certificate"
        case .rule(let evaluation):
            return evaluation.explanation
        case .accountUnknown(let account):
            return "account \(account) does not exist"
        case .accountDisabled(let account):
            return "account \(account) is disabled"
        case .anyMappedAccount(let prefix, let account):
            return "\(prefix) allows any mapped account; \(account) is enabled"
        case .accountListed(let prefix, let account):
            return "\(prefix) allows account \(account)"
        case .groupListed(let prefix, let group, let account):
            return "\(prefix) allows group \(group), and \(account) is a member"
        case .respond(let reason, let account):
            return account.map { "\(reason.statusText) as \($0) — \(reason.summary)" } ?? "\(reason.statusText) — \(reason.summary)"
        case .requestReset(let request, let connection, let persistence):
            return "request \(request) on connection \(connection): authentication context reset (\(persistence))"
        case .resetAfterRequest(let request, let proxied, let remaps):
            let next = remaps ? "the next request maps its certificate again" : "the next request will NOT be mapped again (remapAfterReset off)"
            return "authentication reset after request \(request) (\(proxied ? "proxied" : "singleRequest")); \(next)"
        case .replayOf(let request, let connection, let persistence):
            return "replay of request \(request) on connection \(connection) (\(persistence))"
        case .firstRequest:
            return "first request on this connection"
        case .nothingPersisted:
            return "no identity persisted on this connection"
        case .remapAfterReset(let request):
            return "authentication was reset after request \(request); remapping the certificate"
        }
    }
}

extension TraceMessage: Hashable {
    /// Two messages are equal when they read the same: a trace read back from a journal (text)
    /// equals the one the engine recorded (values).
    public static func == (lhs: TraceMessage, rhs: TraceMessage) -> Bool {
        lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}

extension TraceMessage: CustomStringConvertible {
    public var description: String { text }
}
