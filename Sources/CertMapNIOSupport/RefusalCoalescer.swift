/// Turns a flood of refused connections into at most one report per address per second: the
/// first refusal from an address is reported at once, the ones after it within the second are
/// counted, and the next report from that address says how many there were. A flood from one
/// address can then neither fill the journal nor hide other addresses' events.
public struct RefusalCoalescer: Sendable {
    private var windows: [String: (start: Int64, suppressed: Int)] = [:]
    private let windowNanoseconds: Int64

    public init(windowNanoseconds: Int64 = 1_000_000_000) {
        self.windowNanoseconds = windowNanoseconds
    }

    /// A refusal from `address` at `now` (nanoseconds on a monotonic clock): nil to stay quiet,
    /// or the number of refusals from that address left unreported before this one.
    public mutating func refused(address: String, now: Int64) -> Int? {
        if let window = windows[address], now - window.start < windowNanoseconds {
            windows[address] = (window.start, window.suppressed + 1)
            return nil
        }
        let suppressed = windows[address]?.suppressed ?? 0
        if windows.count > 4096 { windows = windows.filter { now - $0.value.start < windowNanoseconds } }
        windows[address] = (now, 0)
        return suppressed
    }
}
