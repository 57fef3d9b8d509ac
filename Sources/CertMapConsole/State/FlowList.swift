import CertMapCore
import CertMapJournal
import Foundation

/// One row of the Live screen: a request, stamped with when its event arrived.
public struct FlowRow: Hashable, Sendable {
    public let time: Date
    public let record: RequestRecord
    /// The record's decision trace was let go to keep memory small (an older row; see
    /// `FlowList.tracedCapacity`).
    public let traceReleased: Bool

    public init(time: Date, record: RequestRecord, traceReleased: Bool = false) {
        self.time = time
        self.record = record
        self.traceReleased = traceReleased
    }

    /// The same row without its decision trace.
    func releasingTrace() -> FlowRow {
        guard !traceReleased else { return self }
        let decision = record.decision
        let untraced = RequestRecord(
            traceID: record.traceID, connection: record.connection, request: record.request, method: record.method, path: record.path,
            peer: record.peer, route: record.route, proxied: record.proxied, mode: record.mode, certificateSource: record.certificateSource,
            certificate: record.certificate,
            decision: Decision(reason: decision.reason, account: decision.account, mapping: decision.mapping, trace: DecisionTrace(), generation: decision.generation,
                facts: decision.facts),
            durationMicros: record.durationMicros, run: record.run, upstream: record.upstream, observed: record.observed)
        return FlowRow(time: time, record: untraced, traceReleased: true)
    }
}

/// The most recent requests, bounded, with the rows the current filter lets through.
///
/// Memory stays flat however long the console runs: beyond `capacity` the oldest rows are
/// forgotten in chunks of an eighth of the capacity (so appending stays cheap; between 7/8 of
/// `capacity` and `capacity` rows are kept) and counted in `forgotten`. Only the newest
/// `tracedCapacity` rows keep their decision trace (most of a record's memory): holding ten
/// thousand traces made the server itself slower while the console was attached, as every
/// request's memory outlived the request. The filtered view is kept incrementally: appending tests one row, only changing
/// the filter rescans.
public struct FlowList: Hashable, Sendable {
    public let capacity: Int
    /// How many of the newest rows keep their decision trace.
    public let tracedCapacity: Int
    public private(set) var rows: [FlowRow] = []
    /// Rows forgotten since start (absolute index of `rows[0]`).
    public private(set) var forgotten = 0
    /// Absolute indexes of the rows the filter lets through, oldest first.
    private var visible: [Int] = []
    public private(set) var filter: FilterExpression?

    public init(capacity: Int = 10_000, tracedCapacity: Int = 1_000) {
        self.capacity = max(1, capacity)
        self.tracedCapacity = max(1, tracedCapacity)
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
        if rows.count > tracedCapacity {
            let older = rows.count - 1 - tracedCapacity
            rows[older] = rows[older].releasingTrace()
        }
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
