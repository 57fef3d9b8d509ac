/// The configuration snapshot currently in force, swapped whole when an edit is applied.
///
/// Shared by the server's event loops and the console; reads are a lock-protected copy of a
/// reference-counted value, so request handling never sees a torn update.
public final class LiveConfiguration: Sendable {
    private let state: LockedState<ConfigSnapshot>

    public init(_ snapshot: ConfigSnapshot) {
        self.state = LockedState(snapshot)
    }

    /// The snapshot to decide the next request with.
    public var current: ConfigSnapshot {
        state.withLock { $0 }
    }

    /// Validates and compiles `document` as the next generation and makes it current.
    /// On error nothing changes.
    @discardableResult
    public func apply(_ document: ConfigDocument) throws -> ConfigSnapshot {
        try state.withLock { current in
            let next = try ConfigSnapshot(document: document, generation: current.generation + 1)
            current = next
            return next
        }
    }
}
