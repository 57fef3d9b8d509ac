import CertMapCore
import Foundation

/// A scenario: who sends what over which route, with bounds, and the server settings it needs.
/// Built in (`BuiltinScenarios`) or loaded from `<home>/scenarios/NAME.json` in this shape.
public struct ScenarioDefinition: Codable, Hashable, Sendable {
    /// A set of clients that behave alike.
    public struct ClientGroup: Codable, Hashable, Sendable {
        /// Demo PKI names (`alice`, `none`, ...); `load` stands for every generated load user.
        public var identities: [String]
        public var route: ClientRoute
        /// Connections each identity opens, one after the other.
        public var connections: Int
        /// The requests sent on each connection, in order.
        public var paths: [String]
        public var thinkTimeMilliseconds: Int
        /// Extra headers on every request.
        public var headers: [String: String]
        /// Forge this identity's certificate in every forwarded-certificate format, one request
        /// per format (the header-spoofing scenario).
        public var forge: String?

        public init(identities: [String], route: ClientRoute, connections: Int = 1, paths: [String], thinkTimeMilliseconds: Int = 0, headers: [String: String] = [:], forge: String? = nil) {
            self.identities = identities
            self.route = route
            self.connections = connections
            self.paths = paths
            self.thinkTimeMilliseconds = thinkTimeMilliseconds
            self.headers = headers
            self.forge = forge
        }
    }

    public var name: String
    public var summary: String
    /// What the operator should look for.
    public var shows: String
    /// The authentication persistence the scenario is about (`--mode` overrides it).
    public var mode: AuthPersistencePreset?
    public var poolSize: Int?
    public var reuse: UpstreamReusePolicy?
    public var groups: [ClientGroup]
    /// Plans run at once.
    public var concurrency: Int
    /// Requests started per second at most (nil: as fast as the concurrency allows).
    public var ratePerSecond: Double?
    /// Upper bounds: the scenario stops at whichever comes first.
    public var maxRequests: Int
    public var maxDurationSeconds: Double
    /// Generated load users to issue and map (for scale and for telling users apart).
    public var loadUsers: Int

    public init(name: String, summary: String, shows: String, mode: AuthPersistencePreset? = nil, poolSize: Int? = nil, reuse: UpstreamReusePolicy? = nil, groups: [ClientGroup], concurrency: Int = 4, ratePerSecond: Double? = nil, maxRequests: Int = 1_000, maxDurationSeconds: Double = 60, loadUsers: Int = 0) {
        self.name = name
        self.summary = summary
        self.shows = shows
        self.mode = mode
        self.poolSize = poolSize
        self.reuse = reuse
        self.groups = groups
        self.concurrency = concurrency
        self.ratePerSecond = ratePerSecond
        self.maxRequests = maxRequests
        self.maxDurationSeconds = maxDurationSeconds
        self.loadUsers = loadUsers
    }

    /// Problems that make the scenario unrunnable, with their field paths.
    public func problems() -> [String] {
        var problems: [String] = []
        if groups.isEmpty { problems.append("groups: a scenario needs at least one client group") }
        if concurrency < 1 || concurrency > 256 { problems.append("concurrency: must be between 1 and 256") }
        if let ratePerSecond, !(ratePerSecond > 0 && ratePerSecond <= 100_000) { problems.append("ratePerSecond: must be more than 0 and at most 100000") }
        if maxRequests < 1 || maxRequests > 1_000_000 { problems.append("maxRequests: must be between 1 and 1000000") }
        if !(maxDurationSeconds > 0 && maxDurationSeconds <= 86_400) { problems.append("maxDurationSeconds: must be more than 0 and at most a day") }
        if loadUsers < 0 || loadUsers > 200 { problems.append("loadUsers: must be between 0 and 200") }
        for (index, group) in groups.enumerated() {
            if group.identities.isEmpty { problems.append("groups[\(index)].identities: name at least one identity") }
            if group.paths.isEmpty { problems.append("groups[\(index)].paths: name at least one path") }
            if group.paths.contains(where: { !$0.hasPrefix("/") }) { problems.append("groups[\(index)].paths: paths start with /") }
            if group.connections < 1 || group.connections > 10_000 { problems.append("groups[\(index)].connections: must be between 1 and 10000") }
            if group.identities.contains("load") && loadUsers == 0 { problems.append("groups[\(index)].identities: \"load\" needs loadUsers > 0") }
        }
        return problems
    }
}
