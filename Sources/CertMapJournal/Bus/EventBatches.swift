import CertMapCore

/// Events for a subscriber that writes them somewhere (the journal, `--log-format json`), handed
/// over in batches: the publisher only appends to a bounded inbox under a lock — no task is
/// woken per event — and the subscriber is woken every `interval`, or as soon as `wakeAt`
/// events wait, to take them all at once. A full inbox drops the newest event and counts it,
/// as the bus does for any slow subscriber.
///
/// Iterate it with `for await batch in batches`; it ends, after a last batch with whatever was
/// left, when the bus finishes.
public final class EventBatches: AsyncSequence, Sendable {
    public typealias Element = [CertMapEvent]

    private struct Inbox {
        var events: [CertMapEvent] = []
        var wakeRequested = false
        var finished = false
        var dropped: UInt64 = 0
    }

    private let inbox = LockedState(Inbox())
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let capacity: Int
    private let wakeAt: Int
    private let ticker: Task<Void, Never>
    private let subscription: LockedState<EventSinkSubscription?> = LockedState(nil)

    /// - Parameters:
    ///   - interval: the longest an event waits before the subscriber is woken.
    ///   - wakeAt: wake the subscriber early once this many events wait.
    ///   - capacity: events held at most; more are dropped and counted.
    ///   - wants: which kinds the subscriber wants.
    public init(bus: EventBus, interval: Duration, wakeAt: Int = 4096, capacity: Int = 65_536, wants: @escaping @Sendable (CertMapEvent.Kind) -> Bool = { _ in true }) {
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.capacity = capacity
        self.wakeAt = wakeAt
        let wake = self.wake
        ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                wake.yield()
            }
        }
        let sink = bus.subscribe(wants: wants, sink: { [inbox, capacity, wakeAt] event in
            let (kept, wakeNow) = inbox.withLock { inbox -> (Bool, Bool) in
                guard inbox.events.count < capacity else {
                    inbox.dropped += 1
                    return (false, false)
                }
                inbox.events.append(event)
                guard inbox.events.count >= wakeAt, !inbox.wakeRequested else { return (true, false) }
                inbox.wakeRequested = true
                return (true, true)
            }
            if wakeNow { wake.yield() }
            return kept
        }, finished: { [inbox, ticker] in
            inbox.withLock { $0.finished = true }
            ticker.cancel()
            wake.yield()
            wake.finish()
        })
        subscription.withLock { $0 = sink }
    }

    /// Stops receiving (the subscriber gave up, e.g. its file cannot be written): what waits is
    /// still handed over, then the sequence ends.
    public func cancel() {
        subscription.withLock { $0?.cancel() }
        inbox.withLock { $0.finished = true }
        ticker.cancel()
        wake.yield()
        wake.finish()
    }

    /// Events this subscriber lost because its inbox was full.
    /// Counted here, not by the bus, so the count outlives the subscription (it is reported
    /// after the sequence ends).
    public var dropped: UInt64 { inbox.withLock { $0.dropped } }

    /// Takes every waiting event.
    func drain() -> (events: [CertMapEvent], finished: Bool) {
        inbox.withLock { inbox in
            defer {
                inbox.events.removeAll(keepingCapacity: true)
                inbox.wakeRequested = false
            }
            return (inbox.events, inbox.finished)
        }
    }

    /// Waits for a wake-up (the interval, or enough events), then takes every waiting event;
    /// ends after the last batch once the bus finished or the subscriber cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let batches: EventBatches
        var wakes: AsyncStream<Void>.AsyncIterator
        var done = false

        public mutating func next() async -> [CertMapEvent]? {
            while !done {
                let woken = await wakes.next() != nil
                let (events, finished) = batches.drain()
                if !woken || finished { done = true }
                if !events.isEmpty { return events }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(batches: self, wakes: wakes.makeAsyncIterator())
    }
}
