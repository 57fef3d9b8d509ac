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

    /// Why a connection was not admitted, or its number.
    public enum Verdict: Hashable, Sendable {
        case admitted(UInt64)
        /// `limit` connections are open in all.
        case full
        /// `perAddress` connections from this peer address are open.
        case addressFull
    }

    /// Open connections by peer address, for `admit(address:limit:perAddress:)`.
    private var openByAddress: [String: Int] = [:]

    /// A number for a new connection from `address`, unless `limit` connections are open in all
    /// or `perAddress` from that address: one address that opens connections and never speaks
    /// cannot take every slot and lock the others out.
    public mutating func admit(address: String, limit: Int, perAddress: Int) -> Verdict {
        guard open < limit else { return .full }
        let fromAddress = openByAddress[address, default: 0]
        guard fromAddress < perAddress else { return .addressFull }
        openByAddress[address] = fromAddress + 1
        open += 1
        lastNumber += 1
        return .admitted(lastNumber)
    }

    /// A connection admitted from `address` closed.
    public mutating func release(address: String) {
        open -= 1
        let remaining = openByAddress[address, default: 1] - 1
        openByAddress[address] = remaining > 0 ? remaining : nil
    }
}
