/// A request target read once, the way every later step sees it: the path certmap decides on is
/// the path it forwards, so no backend can resolve a target to a resource certmap did not decide.
///
/// Reading follows RFC 9112 §3.2 (origin-form, absolute-form, asterisk-form) and RFC 3986 §6.2.2
/// normalisation: percent-encoded unreserved characters are decoded, other escapes keep upper-case
/// hex, dot segments are removed and repeated slashes collapsed. What different backends could
/// resolve differently is refused instead of guessed (`RequestTargetRefusal`): an encoded `/` or
/// `\`, a raw `\`, a dot segment made by decoding (`%2e%2e`) or carrying a path parameter (`..;`),
/// a double-encoded escape (`%252e`), control bytes and NUL, a fragment, a userinfo, a target for
/// another host. docs/gateway.md has the table of forms.
public struct RequestTarget: Hashable, Sendable {
    /// What certmap forwards: the normalised path and the query as received (`/admin?x=1`), or `*`.
    public let normalized: String
    /// The path resources are matched against: the normalised path with each segment's path
    /// parameters (`;jsessionid=…`, which servlet containers drop) removed, without the query.
    public let decisionPath: String
    /// Whether `decisionPath` left path parameters out (`/admin;x=1` decided as `/admin`).
    public let leavesOutParameters: Bool
    /// The authority of an absolute-form target (`localhost:8443`), which stands for `Host`
    /// (RFC 9112 §3.2.2); nil for origin-form.
    public let authority: String?

    /// The path a target is decided on, for tools that decide offline (access-log import, dry-run
    /// replay, `explain --path`): the same reading as the server's, or the target as given when
    /// the server would refuse it (they have no client to answer 400 to).
    public static func decisionPath(for target: String) -> String {
        (try? read(target).get())?.decisionPath ?? target
    }

    /// Whether the target arrived in another spelling than the normalised one.
    public func differs(from received: String) -> Bool { normalized != received }

    /// Reads `target` as received on the request line.
    /// - Parameters:
    ///   - isOptions: whether the method is OPTIONS (the only one that may ask for `*`).
    ///   - servedHosts: the names an absolute-form authority must match.
    public static func read(_ target: String, isOptions: Bool = false, servedHosts: ServedHosts = .any) -> Result<RequestTarget, RequestTargetRefusal> {
        if let plain = plainOriginForm(target) { return .success(plain) }
        let bytes = Array(target.utf8)
        if bytes == [UInt8(ascii: "*")] {
            guard isOptions else { return .failure(.asteriskOutsideOptions) }
            return .success(RequestTarget(normalized: "*", decisionPath: "*", leavesOutParameters: false, authority: nil))
        }
        guard let first = bytes.first else { return .failure(.empty) }
        var pathStart = 0
        var authority: String?
        if first != UInt8(ascii: "/") {
            switch absoluteForm(bytes, servedHosts: servedHosts) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let parsed):
                authority = parsed.authority
                pathStart = parsed.pathStart
            }
        }
        if bytes[pathStart...].contains(UInt8(ascii: "#")) { return .failure(.fragment) }
        let queryStart = bytes[pathStart...].firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        let pathBytes = pathStart == queryStart ? [UInt8(ascii: "/")] : Array(bytes[pathStart..<queryStart])
        let segments: [PathSegment]
        switch PathSegment.read(pathBytes) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let read): segments = read
        }
        var query = Array(bytes[queryStart...])
        if let bad = query.first(where: { $0 < 0x20 || $0 == 0x7F }) { return .failure(.controlByte(bad)) }
        if query.contains(where: { $0 >= 0x80 }) { query = PathSegment.escapingNonASCII(query) }
        let path = PathSegment.join(segments, keepingParameters: true)
        let decision = PathSegment.join(segments, keepingParameters: false)
        return .success(RequestTarget(
            normalized: path + String(decoding: query, as: UTF8.self), decisionPath: decision, leavesOutParameters: decision != path, authority: authority))
    }

    /// The common case in one pass without copying: an origin-form target already in normal form
    /// (no escapes, no dot-led segment, no empty segment, no parameters, nothing to refuse).
    private static func plainOriginForm(_ target: String) -> RequestTarget? {
        let pathEnd: Int? = target.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "?") { break }
                if byte == UInt8(ascii: "/") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") || bytes[index + 1] == UInt8(ascii: ".") { return nil }
                } else if !isPlainPathByte(byte) {
                    return nil
                }
                index += 1
            }
            for byte in bytes[index...] where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "#") { return nil }
            return index
        } ?? nil
        // Not plain, or not stored contiguously (never the case for a parsed request line): the full reading.
        guard let pathEnd else { return nil }
        let decisionPath = pathEnd == target.utf8.count ? target : String(target.utf8.prefix(pathEnd))!
        return RequestTarget(normalized: target, decisionPath: decisionPath, leavesOutParameters: false, authority: nil)
    }

    /// Unreserved characters and the sub-delimiters that need no normalisation in a path
    /// (`;` is left to the slow path: it starts path parameters).
    @inline(__always)
    private static func isPlainPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"):
            return true
        default: return false
        }
    }

    /// `scheme://authority` at the start of an absolute-form target: the authority and where the path starts.
    private static func absoluteForm(_ bytes: [UInt8], servedHosts: ServedHosts) -> Result<(authority: String, pathStart: Int), RequestTargetRefusal> {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes.count > colon + 2, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/")
        else { return .failure(.notOriginOrAbsoluteForm) }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard scheme == "https" || scheme == "http" else { return .failure(.scheme(scheme)) }
        let authorityStart = colon + 3
        let authorityEnd = bytes[authorityStart...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        let authority = String(decoding: bytes[authorityStart..<authorityEnd], as: UTF8.self)
        guard !authority.isEmpty else { return .failure(.otherHost("")) }
        if authority.contains("@") { return .failure(.userinfo) }
        guard servedHosts.serves(authority: authority, scheme: scheme) else { return .failure(.otherHost(authority)) }
        return .success((authority, authorityEnd))
    }
}

/// Why a request target is refused with 400: a sentence for the client and the operator.
public enum RequestTargetRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case asteriskOutsideOptions
    case notOriginOrAbsoluteForm
    case scheme(String)
    case userinfo
    case otherHost(String)
    case fragment
    case controlByte(UInt8)
    case backslash
    case encodedSlash
    case badEscape
    case doubleEncoded
    case overlongUTF8
    case encodedDotSegment
    case dotSegmentWithParameters

    public var description: String {
        switch self {
        case .empty: return "the request target is empty"
        case .asteriskOutsideOptions: return "the target * is for OPTIONS only"
        case .notOriginOrAbsoluteForm: return "the request target is neither a path (/…) nor an absolute URL (https://host/…); certmap is not a proxy"
        case .scheme(let scheme): return "an absolute target must use http or https, not \"\(scheme)\""
        case .userinfo: return "an absolute target must not carry a user name or password (user@host)"
        case .otherHost(let authority): return "the target names host \"\(authority)\", which this server does not serve"
        case .fragment: return "the target carries a fragment (#…), which a client never sends"
        case .controlByte(let byte): return "the target holds a control byte (0x\(String(byte, radix: 16, uppercase: true)))"
        case .backslash: return "the target holds a backslash (\\ or %5C), which some backends read as /"
        case .encodedSlash: return "the target holds an encoded slash (%2F), which backends read differently"
        case .badEscape: return "the target holds a % that does not start a two-digit hex escape"
        case .doubleEncoded: return "the target holds a double-encoded escape (%25 followed by hex), which a backend decoding twice would read differently"
        case .overlongUTF8: return "the target holds an overlong UTF-8 escape (%C0 or %C1), which old servers decode to / or ."
        case .encodedDotSegment: return "the target holds a dot segment spelt with escapes (%2e), which backends resolve differently"
        case .dotSegmentWithParameters: return "the target holds a dot segment with a path parameter (..;), which servlet containers resolve as .."
        }
    }
}
