import CertMapCore
import Foundation

/// A scenario: who sends what over which route, with bounds, and the server settings it is about.
/// Built in (`BuiltinScenarios`) or loaded from `<home>/scenarios/NAME.json` in this shape.
///
/// Files are decoded strictly — unknown fields and unknown route/mode/reuse names are errors
/// naming the field — and everything but `name`, `summary` and `groups` (and a group's `route`,
/// `paths` and identities) has a default, so a small file is a valid scenario.
public struct ScenarioDefinition: Codable, Hashable, Sendable {
    /// A set of clients in the scenario that behave alike (see `ScenarioClientGroup`).
    public typealias ClientGroup = ScenarioClientGroup

    public var name: String
    public var summary: String
    /// What the operator should look for.
    public var shows: String
    /// The authentication persistence the scenario is about (`--mode` overrides it).
    public var mode: AuthPersistencePreset?
    public var poolSize: Int?
    public var reuse: UpstreamReusePolicy?
    public var groups: [ScenarioClientGroup]
    /// Connections (plans) in flight at once.
    public var concurrency: Int
    /// Requests started per second at most, across all connections (nil: unpaced).
    public var ratePerSecond: Double?
    /// Upper bounds: the scenario stops at whichever comes first.
    public var maxRequests: Int
    public var maxDurationSeconds: Double
    /// Generated load users to issue and map (for scale and for telling users apart).
    public var loadUsers: Int
    /// Run the plan again, round after round, until `maxRequests` (or the time bound) is reached,
    /// instead of stopping when the plan is done: `certmap scenario run --requests N` asks for N.
    /// Not part of a scenario file.
    public var repeatsPlan = false

    public init(
        name: String, summary: String, shows: String, mode: AuthPersistencePreset? = nil, poolSize: Int? = nil, reuse: UpstreamReusePolicy? = nil,
        groups: [ScenarioClientGroup], concurrency: Int = 4, ratePerSecond: Double? = nil, maxRequests: Int = 1_000, maxDurationSeconds: Double = 60, loadUsers: Int = 0
    ) {
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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, summary, shows, mode, poolSize, reuse, groups, concurrency, ratePerSecond, maxRequests, maxDurationSeconds, loadUsers
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ScenarioDefinition(name: "", summary: "", shows: "", groups: [])
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        shows = try container.decodeIfPresent(String.self, forKey: .shows) ?? ""
        mode = try container.decodeChoiceIfPresent(AuthPersistencePreset.self, forKey: .mode)
        poolSize = try container.decodeIfPresent(Int.self, forKey: .poolSize)
        reuse = try container.decodeChoiceIfPresent(UpstreamReusePolicy.self, forKey: .reuse)
        groups = try container.decode([ScenarioClientGroup].self, forKey: .groups)
        concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency) ?? defaults.concurrency
        ratePerSecond = try container.decodeIfPresent(Double.self, forKey: .ratePerSecond)
        maxRequests = try container.decodeIfPresent(Int.self, forKey: .maxRequests) ?? defaults.maxRequests
        maxDurationSeconds = try container.decodeIfPresent(Double.self, forKey: .maxDurationSeconds) ?? defaults.maxDurationSeconds
        loadUsers = try container.decodeIfPresent(Int.self, forKey: .loadUsers) ?? defaults.loadUsers
    }

    /// Problems that make the scenario unrunnable, each starting with its field path
    /// (`groups[1].paths: ...`). `identityExists` says whether a named identity has its
    /// certificate and key (`none` and `load` are always fine).
    public func problems(identityExists: (String) -> Bool = { _ in true }) -> [String] {
        var problems: [String] = []
        if name.isEmpty || name.contains("/") { problems.append("name: must be a non-empty name without /") }
        if groups.isEmpty { problems.append("groups: a scenario needs at least one client group") }
        if !(1...256).contains(concurrency) { problems.append("concurrency: must be between 1 and 256") }
        if let ratePerSecond, !(ratePerSecond > 0 && ratePerSecond <= 100_000) { problems.append("ratePerSecond: must be more than 0 and at most 100000") }
        if !(1...1_000_000).contains(maxRequests) { problems.append("maxRequests: must be between 1 and 1000000") }
        if !(maxDurationSeconds > 0 && maxDurationSeconds <= 86_400) { problems.append("maxDurationSeconds: must be more than 0 and at most a day (86400)") }
        if !(0...200).contains(loadUsers) { problems.append("loadUsers: must be between 0 and 200") }
        if let poolSize, !(1...64).contains(poolSize) { problems.append("poolSize: must be between 1 and 64") }
        for (index, group) in groups.enumerated() {
            problems += group.problems(loadUsers: loadUsers, identityExists: identityExists).map { "groups[\(index)].\($0)" }
        }
        return problems
    }
}
