/// One request a synthetic client sends.
public struct PlannedRequest: Hashable, Sendable {
    public var method: String
    public var path: String
    /// Extra headers, e.g. a forged `Client-Cert` for the header-spoofing scenario, or `Via`.
    public var headers: [String: String]

    public init(method: String = "GET", path: String, headers: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.headers = headers
    }
}

/// What one client does on one kept-alive connection: who (identity), which way (route), which
/// requests in order, and the pause between them.
///
/// An explicit, replayable value rather than a script: scenarios expand into plans, network
/// replay turns each recorded server connection back into one, and the same plan always sends
/// the same bytes the same way — so "request 2 on the same tunnel" means exactly that.
public struct ConnectionPlan: Hashable, Sendable {
    public var identity: ClientIdentity
    public var route: ClientRoute
    public var requests: [PlannedRequest]
    /// Pause between requests on the connection.
    public var thinkTime: Duration

    public init(identity: ClientIdentity, route: ClientRoute, requests: [PlannedRequest], thinkTime: Duration = .zero) {
        self.identity = identity
        self.route = route
        self.requests = requests
        self.thinkTime = thinkTime
    }
}
