import CertMapCore

/// A set of clients in a scenario that behave alike: each identity opens `connections`
/// connections one after the other over `route`, and sends `requestsPerConnection` requests on
/// each (cycling through `paths`; by default one request per path).
public struct ScenarioClientGroup: Codable, Hashable, Sendable {
    /// Demo PKI names (`alice`, `none`, ...); `load` stands for every generated load user. A file
    /// may say `"identity": "alice"` for one.
    public var identities: [String]
    public var route: ClientRoute
    /// Connections each identity opens, one after the other.
    public var connections: Int
    /// Requests per connection; nil: one per path.
    public var requestsPerConnection: Int?
    public var method: String
    /// The paths requested on each connection, in order (repeated when more requests are asked).
    public var paths: [String]
    public var thinkTimeMilliseconds: Int
    /// Extra headers on every request (`Via` makes a direct request look proxied).
    public var headers: [String: String]
    /// Forge this identity's certificate in every forwarded-certificate format, one request per
    /// format and path (the header-spoofing scenario).
    public var forge: String?

    public init(
        identities: [String], route: ClientRoute, connections: Int = 1, requestsPerConnection: Int? = nil, method: String = "GET", paths: [String],
        thinkTimeMilliseconds: Int = 0, headers: [String: String] = [:], forge: String? = nil
    ) {
        self.identities = identities
        self.route = route
        self.connections = connections
        self.requestsPerConnection = requestsPerConnection
        self.method = method
        self.paths = paths
        self.thinkTimeMilliseconds = thinkTimeMilliseconds
        self.headers = headers
        self.forge = forge
    }

    /// The requests every connection of this group sends, in order.
    public var requestPaths: [String] {
        guard let count = requestsPerConnection, !paths.isEmpty else { return paths }
        return (0..<max(0, count)).map { paths[$0 % paths.count] }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identities, identity, route, connections, requestsPerConnection, method, paths, thinkTimeMilliseconds, headers, forge
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch (try container.decodeIfPresent([String].self, forKey: .identities), try container.decodeIfPresent(String.self, forKey: .identity)) {
        case (let list?, nil): identities = list
        case (nil, let one?): identities = [one]
        case (nil, nil):
            throw DecodingError.keyNotFound(CodingKeys.identities, .init(codingPath: container.codingPath, debugDescription: "name the clients with \"identities\" (or \"identity\")"))
        case (_?, _?):
            throw DecodingError.dataCorruptedError(forKey: .identity, in: container, debugDescription: "give \"identities\" or \"identity\", not both")
        }
        route = try container.decodeChoice(ClientRoute.self, forKey: .route)
        connections = try container.decodeIfPresent(Int.self, forKey: .connections) ?? 1
        requestsPerConnection = try container.decodeIfPresent(Int.self, forKey: .requestsPerConnection)
        method = try container.decodeIfPresent(String.self, forKey: .method) ?? "GET"
        paths = try container.decode([String].self, forKey: .paths)
        thinkTimeMilliseconds = try container.decodeIfPresent(Int.self, forKey: .thinkTimeMilliseconds) ?? 0
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        forge = try container.decodeIfPresent(String.self, forKey: .forge)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(identities, forKey: .identities)
        try container.encode(route, forKey: .route)
        try container.encode(connections, forKey: .connections)
        try container.encodeIfPresent(requestsPerConnection, forKey: .requestsPerConnection)
        try container.encode(method, forKey: .method)
        try container.encode(paths, forKey: .paths)
        try container.encode(thinkTimeMilliseconds, forKey: .thinkTimeMilliseconds)
        try container.encode(headers, forKey: .headers)
        try container.encodeIfPresent(forge, forKey: .forge)
    }

    /// Problems with field names relative to the group (`paths: ...`).
    func problems(loadUsers: Int, identityExists: (String) -> Bool) -> [String] {
        var problems: [String] = []
        if identities.isEmpty { problems.append("identities: name at least one identity") }
        for name in identities where name != "none" && name != "load" && !identityExists(name) {
            problems.append("identities: no certificate and key for \"\(name)\" in the PKI directory (certmap pki issue \(name) --subject ...)")
        }
        if identities.contains("load") && loadUsers == 0 { problems.append("identities: \"load\" needs loadUsers > 0") }
        if paths.isEmpty { problems.append("paths: name at least one path") }
        if paths.contains(where: { !$0.hasPrefix("/") || $0.contains(where: \.isWhitespace) }) { problems.append("paths: paths start with / and contain no spaces") }
        if !(1...10_000).contains(connections) { problems.append("connections: must be between 1 and 10000") }
        if let count = requestsPerConnection, !(1...10_000).contains(count) { problems.append("requestsPerConnection: must be between 1 and 10000") }
        if method.isEmpty || !method.allSatisfy({ $0.isASCII && ($0.isUppercase || $0 == "-") }) { problems.append("method: an HTTP method in capitals (GET, POST, ...)") }
        if !(0...60_000).contains(thinkTimeMilliseconds) { problems.append("thinkTimeMilliseconds: must be between 0 and 60000") }
        // Scalars, not Characters: "\r\n" is a single Character and would slip past a Character test.
        let breaksLine = { (text: String) in text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" } }
        for (header, value) in headers where header.isEmpty || breaksLine(header + value) || header.contains(where: { $0 == ":" || $0.isWhitespace }) {
            problems.append("headers.\(header): not a valid header line")
        }
        if let forge, forge == "none" || forge == "load" || !identityExists(forge) { problems.append("forge: \"\(forge)\" is not a demo identity with a certificate") }
        return problems
    }
}
