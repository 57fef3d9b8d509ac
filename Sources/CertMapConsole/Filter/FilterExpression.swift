import CertMapCore
import CertMapJournal

/// A parsed flow filter (mitmproxy's filter language, for certificate-mapping traffic).
///
/// Text matches are case-insensitive substrings, like mitmproxy's; `~s` and `~d` compare decision
/// codes so that `~s 401` means "any 401" and `~s 401.2` means exactly that substatus.
public indirect enum FilterExpression: Hashable, Sendable {
    /// `~s 401`, `~s 401.2`: the status, or the status with substatus.
    case status(String)
    /// `~d 401.2`, `~d legacy`: the decision code (`401.2`) or its reason (`legacyResetWithoutRemap`).
    case decision(String)
    /// `~acct alice`: the account the request ran as.
    case account(String)
    /// `~cert CN=bob`: the certificate's subject (or issuer).
    case certificate(String)
    /// `~route forward`: the route (`direct`, `forward`, `reverse`, `proxied`).
    case route(String)
    /// `~mode legacy`: the authentication persistence mode in force.
    case mode(String)
    /// `~path /admin`: the request path.
    case path(String)
    /// `~inst edge-2`: the server a request came from, when attached to several.
    case instance(String)
    /// `~trace t-3f9a12c0-1a`: the request with this `X-CertMap-Trace` (a prefix matches too).
    case trace(String)
    /// `~conn 12`: the connection number, exactly.
    case connection(ConnectionID)
    /// `~mis`: answered with an identity its own certificate does not map to.
    case misattributed
    /// `~us 502`, `~us 5xx`, `~us fail`: what the application answered in gateway mode.
    case upstream(UpstreamAnswer)
    /// A bare word: a substring of any shown field.
    case text(String)
    case not(FilterExpression)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)

    /// Whether a request matches.
    public func matches(_ record: RequestRecord) -> Bool {
        switch self {
        case .status(let code):
            return Self.codeMatches(record.decision.statusText, code)
        case .decision(let code):
            return Self.codeMatches(record.decision.statusText, code) || Self.contains(record.decision.reason.rawValue, code)
        case .account(let name):
            return record.decision.account.map { Self.contains($0, name) } ?? false
        case .certificate(let text):
            guard let certificate = record.certificate else { return false }
            return Self.contains(certificate.subject, text) || Self.contains(certificate.issuer, text)
        case .route(let text):
            return Self.contains(record.route, text)
        case .mode(let text):
            return Self.contains(record.mode, text)
        case .path(let text):
            return Self.contains(record.path, text)
        case .instance(let name):
            return record.run.map { Self.contains($0, name) } ?? false
        case .connection(let id):
            return record.connection == id
        case .trace(let id):
            return record.traceID.lowercased().hasPrefix(id.lowercased())
        case .misattributed:
            return record.decision.facts?.misattribution != nil
        case .upstream(let answer):
            return record.upstream.map(answer.matches) ?? false
        case .text(let text):
            return Self.searchableFields(of: record).contains { Self.contains($0, text) }
        case .not(let inner):
            return !inner.matches(record)
        case .and(let left, let right):
            return left.matches(record) && right.matches(record)
        case .or(let left, let right):
            return left.matches(record) || right.matches(record)
        }
    }

    /// `401` matches `401` and `401.2`; `401.2` matches only `401.2`.
    private static func codeMatches(_ statusText: String, _ code: String) -> Bool {
        statusText == code || statusText.hasPrefix(code + ".")
    }

    private static func contains(_ haystack: String, _ needle: String) -> Bool {
        haystack.range(of: needle, options: .caseInsensitive) != nil
    }

    static func searchableFields(of record: RequestRecord) -> [String] {
        [
            record.method, record.path, record.route, record.mode, record.peer, record.traceID,
            record.decision.statusText, record.decision.reason.rawValue, record.decision.account ?? "",
            record.certificate?.subject ?? "", record.certificate?.issuer ?? "", record.certificateSource,
        ]
    }
}

extension FilterExpression: CustomStringConvertible {
    /// The canonical spelling: parsing it again gives the same tree. Parentheses appear only
    /// where the grammar needs them (`|` binds looser than `&`, both group to the left), so the
    /// spelling never nests deeper than the text the tree was parsed from — a fully
    /// parenthesised one could exceed the parser's nesting limit and not parse back.
    public var description: String { spelled(needsGroup: false) }

    private func spelled(needsGroup: Bool) -> String {
        let text: String
        switch self {
        case .status(let value): text = "~s \(Self.quoted(value))"
        case .decision(let value): text = "~d \(Self.quoted(value))"
        case .account(let value): text = "~acct \(Self.quoted(value))"
        case .certificate(let value): text = "~cert \(Self.quoted(value))"
        case .route(let value): text = "~route \(Self.quoted(value))"
        case .mode(let value): text = "~mode \(Self.quoted(value))"
        case .path(let value): text = "~path \(Self.quoted(value))"
        case .instance(let value): text = "~inst \(Self.quoted(value))"
        case .connection(let id): text = "~conn \(id)"
        case .trace(let id): text = "~trace \(Self.quoted(id))"
        case .misattributed: text = "~mis"
        case .upstream(let answer): text = "~us \(answer)"
        case .text(let value): text = Self.quoted(value)
        case .not(let inner): return "!" + inner.spelled(needsGroup: inner.isBinary)
        case .and(let left, let right):
            text = left.spelled(needsGroup: left.isOr) + " & " + right.spelled(needsGroup: right.isBinary)
        case .or(let left, let right):
            text = left.spelled(needsGroup: false) + " | " + right.spelled(needsGroup: right.isOr)
        }
        return needsGroup && isBinary ? "(" + text + ")" : text
    }

    private var isOr: Bool { if case .or = self { true } else { false } }
    private var isBinary: Bool {
        switch self {
        case .and, .or: return true
        default: return false
        }
    }

    private static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0.isWhitespace || "()!&|\"~".contains($0) }
        // Inside quotes a backslash escapes the next character, so backslashes are escaped first.
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return plain ? value : "\"" + escaped + "\""
    }
}

/// What `~us` asks of the application's answer, parsed once: an exact status, a status class,
/// or no complete answer at all.
public enum UpstreamAnswer: Hashable, Sendable, CustomStringConvertible {
    case status(Int)
    /// `5` for `5xx`.
    case statusClass(Int)
    case failure

    /// `502`, `5xx` (any case) or `fail`; nil for anything else.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        if lowered == "fail" {
            self = .failure
        } else if lowered.utf8.count == 3, lowered.hasSuffix("xx"), let first = lowered.first?.wholeNumberValue, (1...5).contains(first) {
            self = .statusClass(first)
        } else if lowered.utf8.count == 3, lowered.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let status = Int(lowered) {
            self = .status(status)
        } else {
            return nil
        }
    }

    public func matches(_ upstream: UpstreamOutcome) -> Bool {
        switch self {
        case .failure: return upstream.failure != nil
        case .statusClass(let first): return upstream.status.map { $0 / 100 == first } ?? false
        case .status(let status): return upstream.status == status
        }
    }

    public var description: String {
        switch self {
        case .status(let status): return "\(status)"
        case .statusClass(let first): return "\(first)xx"
        case .failure: return "fail"
        }
    }
}
