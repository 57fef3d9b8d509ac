import NIOConcurrencyHelpers

/// Numbers a proxy's client connections (1, 2, 3, ...) and bounds how many are open at once.
final class ProxyConnectionCounter: Sendable {
    private let state = NIOLockedValueBox((next: UInt64(0), open: 0))
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// A number for a new connection, or nil when `limit` are already open.
    func open() -> UInt64? {
        state.withLockedValue { state in
            guard state.open < limit else { return nil }
            state.open += 1
            state.next += 1
            return state.next
        }
    }

    func close() {
        state.withLockedValue { $0.open -= 1 }
    }
}
