/// The reverse proxy's choice of upstream connection for each request, as a pure state
/// machine (no sockets), so the reuse policies can be pinned by unit tests.
///
/// - `never`: every request gets a new upstream connection, closed after its response.
/// - `safe`: a client connection reuses only the upstream connection(s) it opened; they close
///   when the client connection does.
/// - `always`: any idle upstream connection serves any client (HAProxy `http-reuse always`).
///
/// At most `size` upstream connections exist; requests beyond that wait in a FIFO of at most
/// `maxWaiting`, and each upstream connection carries one request at a time.
struct UpstreamPoolState: Sendable {
    typealias ConnectionID = Int
    typealias ClientID = UInt64

    struct Connection: Hashable, Sendable {
        let id: ConnectionID
        /// The client connection that opened it (`safe`, `never`), nil when shared (`always`).
        let owner: ClientID?
        var busy: Bool
    }

    /// What the pool must do for a request.
    enum Decision: Hashable, Sendable {
        /// Send it on this existing, now busy connection.
        case use(ConnectionID)
        /// Open a new connection (already counted, busy) and send it there.
        case open(ConnectionID)
        /// Wait for a connection.
        case wait
        /// Too many waiting: refuse (503).
        case reject
    }

    let size: Int
    let policy: UpstreamReusePolicy
    let maxWaiting: Int
    private(set) var connections: [ConnectionID: Connection] = [:]
    private(set) var waiting: [ClientID] = []
    /// Owners that have gone: their busy connections close when the response is done.
    private var departed: Set<ClientID> = []
    private var nextID = 0

    init(size: Int, policy: UpstreamReusePolicy, maxWaiting: Int = 1024) {
        self.size = max(1, size)
        self.policy = policy
        self.maxWaiting = maxWaiting
    }

    /// A request from `client` arrives.
    mutating func acquire(for client: ClientID) -> Decision {
        if let id = idleConnection(for: client) {
            connections[id]?.busy = true
            return .use(id)
        }
        if connections.count < size {
            return .open(newConnection(for: client))
        }
        guard waiting.count < maxWaiting else { return .reject }
        waiting.append(client)
        return .wait
    }

    /// The connection's response is complete. Returns whether to close it (`never`), and the
    /// waiting request it should serve next, if any (as the `Decision` for that waiter).
    mutating func release(_ id: ConnectionID) -> (close: Bool, next: (client: ClientID, decision: Decision)?) {
        guard let connection = connections[id] else { return (false, nil) }
        if policy == .never || connection.owner.map(departed.contains) == true {
            connections[id] = nil
            if let owner = connection.owner, !connections.values.contains(where: { $0.owner == owner }) { departed.remove(owner) }
            return (true, serveWaiter())
        }
        connections[id]?.busy = false
        // A waiter that may use this connection takes it at once.
        if let index = waiting.firstIndex(where: { may($0, use: connection) }) {
            let client = waiting.remove(at: index)
            connections[id]?.busy = true
            return (false, (client, .use(id)))
        }
        return (false, nil)
    }

    /// The connection closed (or failed to open): forget it and let a waiter open a new one.
    mutating func remove(_ id: ConnectionID) -> (client: ClientID, decision: Decision)? {
        connections[id] = nil
        return serveWaiter()
    }

    /// The client connection closed: its waiting requests are gone, and under `safe` and
    /// `never` the upstream connections it owned must be closed (returned, idle ones only;
    /// busy ones close when their response completes).
    mutating func clientClosed(_ client: ClientID) -> [ConnectionID] {
        waiting.removeAll { $0 == client }
        guard policy != .always else { return [] }
        if connections.values.contains(where: { $0.owner == client && $0.busy }) { departed.insert(client) }
        return connections.values.filter { $0.owner == client && !$0.busy }.map(\.id)
    }

    private func idleConnection(for client: ClientID) -> ConnectionID? {
        guard policy != .never else { return nil }
        return connections.values.filter { !$0.busy && may(client, use: $0) }.map(\.id).min()
    }

    private func may(_ client: ClientID, use connection: Connection) -> Bool {
        switch policy {
        case .always: return true
        case .safe: return connection.owner == client
        case .never: return false
        }
    }

    private mutating func newConnection(for client: ClientID) -> ConnectionID {
        nextID += 1
        connections[nextID] = Connection(id: nextID, owner: policy == .always ? nil : client, busy: true)
        return nextID
    }

    /// After a slot freed up: the first waiter that can go opens a connection.
    private mutating func serveWaiter() -> (client: ClientID, decision: Decision)? {
        guard connections.count < size, !waiting.isEmpty else { return nil }
        let client = waiting.removeFirst()
        return (client, .open(newConnection(for: client)))
    }
}
