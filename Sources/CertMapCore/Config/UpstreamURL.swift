/// Where a gateway sends allowed requests: `http://` or `https://`, a host, a port, and an
/// optional path prefix the request's path is appended to.
///
/// Parsed strictly, with one sentence per mistake, because it comes from a flag or a file a
/// person typed (`--upstream 127.0.0.1:8000` says to add the scheme).
public struct UpstreamURL: Hashable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Hashable, Sendable {
        case http, https
    }

    public let scheme: Scheme
    /// A name or an IP address, without brackets.
    public let host: String
    public let port: Int
    /// `""` or `/base` (no trailing slash): prepended to every request's path.
    public let pathPrefix: String

    public init(scheme: Scheme, host: String, port: Int, pathPrefix: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Why a text is not an upstream URL.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let text: String
        public let problem: String
        public var description: String { "\"\(text)\" is not an upstream URL: \(problem)" }
    }

    public init(parsing text: String) throws(ParseError) {
        func fail(_ problem: String) -> ParseError { ParseError(text: text, problem: problem) }
        let schemeEnd = text.range(of: "://")
        guard let schemeEnd else { throw fail("it needs a scheme, e.g. http://\(text)") }
        guard let scheme = Scheme(rawValue: text[..<schemeEnd.lowerBound].lowercased()) else {
            throw fail("the scheme must be http or https")
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        guard !path.contains("?"), !path.contains("#") else { throw fail("a query or fragment has no meaning for an upstream") }
        guard !authority.contains("@") else { throw fail("user names and passwords are not supported in the URL") }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 address needs its closing ]") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("expected :PORT after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw fail("the host is missing") }
        if authority.hasPrefix("[") {
            guard host.contains(":"), IPAddress(String(host)) != nil else { throw fail("\"[\(host)]\" is not an IPv6 address") }
        } else {
            guard host.utf8.allSatisfy(Self.isHostByte) else {
                throw fail("the host may hold only letters, digits, \".\", \"-\" and \"_\" (an IPv6 address goes in brackets)")
            }
        }
        var port = scheme == .https ? 443 : 80
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else { throw fail("the port must be a number from 1 to 65535") }
            port = number
        }
        guard path.utf8.allSatisfy(Self.isPathByte) else {
            throw fail("the path may hold only URL characters (no spaces or controls; percent-encode the rest)")
        }
        var prefix = String(path)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.init(scheme: scheme, host: String(host), port: port, pathPrefix: prefix)
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// RFC 3986 `pchar` and `/`: what a request target's path may hold as it is.
    private static func isPathByte(_ byte: UInt8) -> Bool {
        if isHostByte(byte) { return true }
        return "/~!$&'()*+,;=:@%".utf8.contains(byte)
    }

    public var description: String {
        "\(scheme.rawValue)://\(urlHost):\(port)\(pathPrefix)"
    }

    /// The `Host` header for requests to this upstream (default ports left out).
    public var hostHeader: String {
        let isDefault = (scheme == .http && port == 80) || (scheme == .https && port == 443)
        return isDefault ? urlHost : "\(urlHost):\(port)"
    }

    /// The host as a URL writes it: an IPv6 address in brackets.
    private var urlHost: String { host.contains(":") ? "[\(host)]" : host }
}

extension UpstreamURL: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
