import CertMapNIOSupport
import NIOConcurrencyHelpers

/// Numbers a proxy's client connections (1, 2, 3, ...) and bounds how many are open at once.
final class ProxyConnectionCounter: Sendable {
    private let state = NIOLockedValueBox(ConnectionAdmission())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// A number for a new connection, or nil when `limit` are already open.
    func open() -> UInt64? {
        state.withLockedValue { $0.admit(limit: limit) }
    }

    func close() {
        state.withLockedValue { $0.release() }
    }
}
