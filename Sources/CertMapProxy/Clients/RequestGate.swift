/// What a plan's gate says before each request.
public enum GateVerdict: Hashable, Sendable {
    /// Send the request now.
    case send
    /// Send nothing more on this plan (the run was stopped, or hit its time bound).
    case stop
}

/// Asked by `SyntheticClient` before every request of a plan (after the think time). It may wait
/// — that is how a scenario pauses traffic and paces it to a rate between requests, not only
/// between connections — and may stop the plan. Connections stay open while it waits.
public typealias RequestGate = @Sendable () async -> GateVerdict
