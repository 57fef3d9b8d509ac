import CertMapJournal
import Foundation

/// One row of the Live screen: a request, stamped with when its event arrived.
public struct FlowRow: Hashable, Sendable {
    public let time: Date
    public let record: RequestRecord

    public init(time: Date, record: RequestRecord) {
        self.time = time
        self.record = record
    }
}

/// The most recent requests, bounded, with the rows the current filter lets through.
///
/// Memory stays flat however long the console runs: beyond `capacity` the oldest rows are
/// forgotten in chunks of an eighth of the capacity (so appending stays cheap; between 7/8 of
/// `capacity` and `capacity` rows are kept) and counted in `forgotten`. The filtered view is kept incrementally: appending tests one row, only changing
/// the filter rescans.
public struct FlowList: Hashable, Sendable {
    public let capacity: Int
    public private(set) var rows: [FlowRow] = []
    /// Rows forgotten since start (absolute index of `rows[0]`).
    public private(set) var forgotten = 0
    /// Absolute indexes of the rows the filter lets through, oldest first.
    private var visible: [Int] = []
    public private(set) var filter: FilterExpression?

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Rows the filter lets through.
    public var visibleCount: Int { visible.count }

    /// The `position`-th row the filter lets through.
    public func visibleRow(_ position: Int) -> FlowRow {
        rows[visible[position] - forgotten]
    }

    /// The rows the filter lets through, in order.
    public var visibleRows: [FlowRow] { visible.map { rows[$0 - forgotten] } }

    /// The newest row with this trace id that is still in memory.
    public func row(traceID: String) -> FlowRow? {
        rows.last { $0.record.traceID == traceID }
    }

    /// Appends a row; returns how many visible rows were forgotten from the front to make room.
    @discardableResult
    public mutating func append(_ row: FlowRow) -> Int {
        let absolute = forgotten + rows.count
        rows.append(row)
        if filter?.matches(row.record) ?? true {
            visible.append(absolute)
        }
        guard rows.count > capacity else { return 0 }
        let drop = min(max(rows.count - capacity, capacity / 8), rows.count - 1)
        rows.removeFirst(drop)
        forgotten += drop
        let firstKept = visible.firstIndex { $0 >= forgotten } ?? visible.count
        visible.removeFirst(firstKept)
        return firstKept
    }

    /// Applies a filter (nil shows everything) to every row in memory.
    public mutating func setFilter(_ filter: FilterExpression?) {
        self.filter = filter
        visible = rows.indices.filter { filter?.matches(rows[$0].record) ?? true }.map { $0 + forgotten }
    }
}
