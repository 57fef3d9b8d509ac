/// Numbers connections (1, 2, 3, ...) and bounds how many are open at once. The server and both
/// proxies admit every accepted connection through one, kept under their own lock.
public struct ConnectionAdmission: Sendable {
    public private(set) var open = 0
    public private(set) var lastNumber: UInt64 = 0

    public init() {}

    /// A number for a new connection, or nil when `limit` are already open.
    public mutating func admit(limit: Int) -> UInt64? {
        guard open < limit else { return nil }
        open += 1
        lastNumber += 1
        return lastNumber
    }

    /// An admitted connection closed.
    public mutating func release() {
        open -= 1
    }
}
