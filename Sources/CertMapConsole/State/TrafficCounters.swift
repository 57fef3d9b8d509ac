import CertMapJournal
import Foundation

/// Requests per second over a sliding window, in one-second buckets so memory is bounded by the
/// window, not by the request rate.
public struct RateMeter: Hashable, Sendable {
    public let window: Int
    private var buckets: [(second: Int64, count: Int)] = []

    public init(window: Int = 5) {
        self.window = max(1, window)
    }

    public mutating func record(at time: Date) {
        let second = Int64(time.timeIntervalSince1970.rounded(.down))
        if let last = buckets.last, last.second == second {
            buckets[buckets.count - 1].count += 1
        } else {
            buckets.append((second, 1))
            if buckets.count > window + 1 { buckets.removeFirst(buckets.count - window - 1) }
        }
    }

    /// Average requests per second over the `window` seconds up to `now` (the current second
    /// included).
    public func rate(at now: Date) -> Double {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let total = buckets.filter { $0.second > current - Int64(window) && $0.second <= current }.reduce(0) { $0 + $1.count }
        return Double(total) / Double(window)
    }

    public static func == (lhs: RateMeter, rhs: RateMeter) -> Bool {
        lhs.window == rhs.window && lhs.buckets.elementsEqual(rhs.buckets) { $0.second == $1.second && $0.count == $1.count }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(window)
        for bucket in buckets {
            hasher.combine(bucket.second)
            hasher.combine(bucket.count)
        }
    }
}

/// The status bar's numbers: every request seen, whatever the filter.
public struct TrafficCounters: Hashable, Sendable {
    public var total = 0
    public var ok = 0
    public var unauthorized = 0
    public var forbidden = 0
    public var other = 0
    /// Answered with another user's identity (also counted nowhere else: not a success).
    public var leaked = 0
    public var rate = RateMeter()

    public init() {}

    /// Counts what the client of `record` finally got (`OutcomeMark(record:)`).
    mutating func record(_ record: RequestRecord, at time: Date) {
        count(OutcomeMark(record: record), at: time)
    }

    mutating func record(status: Int, at time: Date) {
        count(OutcomeMark(status: status), at: time)
    }

    private mutating func count(_ mark: OutcomeMark, at time: Date) {
        total += 1
        switch mark {
        case .ok: ok += 1
        case .unauthorized: unauthorized += 1
        case .forbidden: forbidden += 1
        case .other: other += 1
        case .leaked: leaked += 1
        }
        rate.record(at: time)
    }
}
