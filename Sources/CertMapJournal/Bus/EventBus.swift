import CertMapCore
import Foundation


/// Fans events out to the console, the journal and the log without ever blocking the server.
///
/// Each subscriber gets its own bounded buffer; when a slow subscriber's buffer is full the
/// oldest events are dropped for that subscriber only, and the drop is counted (the console shows
/// the count: dropping is never silent). The bus also keeps the most recent events in a ring
/// buffer for late subscribers and look-ups.
public final class EventBus: Sendable {
    private struct Subscriber {
        let delivery: Delivery
        /// Which kinds this subscriber wants; the others never enter its buffer.
        let wants: @Sendable (CertMapEvent.Kind) -> Bool
        var dropped: UInt64 = 0
    }

    /// How a subscriber receives events: through a buffered async stream (the journal, the
    /// log), or handed synchronously to a sink on the publisher's thread (the console's inbox:
    /// no task wake-up per event), which says whether it kept the event.
    private enum Delivery {
        case stream(AsyncStream<CertMapEvent>.Continuation)
        /// The sink, and what to call when the bus finishes (nil: nothing).
        case sink(@Sendable (CertMapEvent) -> Bool, finished: (@Sendable () -> Void)?)

        var continuation: AsyncStream<CertMapEvent>.Continuation? {
            if case .stream(let continuation) = self { return continuation }
            return nil
        }

        func deliver(_ event: CertMapEvent) -> Bool {
            switch self {
            case .stream(let continuation):
                if case .dropped = continuation.yield(event) { return false }
                return true
            case .sink(let sink, _):
                return sink(event)
            }
        }
    }

    private struct State {
        var sequence: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 0
        var recent: RingBuffer<CertMapEvent>
        var dropped: UInt64 = 0
    }

    private let state: LockedState<State>
    private let keepsRecent: @Sendable (CertMapEvent.Kind) -> Bool

    /// - Parameters:
    ///   - recentCapacity: how many recent events to keep for `recent(_:)`.
    ///   - keepsRecent: which kinds `recent(_:)` keeps (all by default; see `exceptSteps`).
    public init(recentCapacity: Int = 10_000, keepsRecent: @escaping @Sendable (CertMapEvent.Kind) -> Bool = { _ in true }) {
        self.state = LockedState(State(recent: RingBuffer(capacity: recentCapacity)))
        self.keepsRecent = keepsRecent
    }

    /// For `keepsRecent`: every kind but the per-step events. What reads `recent(_:)` in the
    /// application (replaying a request, dry runs, saving Live as a session) needs requests,
    /// connections and certificates, and a request's record carries its steps again; keeping the
    /// steps as well made the ring hold an eighth as many requests and cost the server the
    /// freeing of seven old events per request.
    public static let exceptSteps: @Sendable (CertMapEvent.Kind) -> Bool = { kind in
        if case .authStep = kind { return false }
        return true
    }

    /// Stamps and delivers an event; returns it (with its sequence number).
    @discardableResult
    public func publish(_ kind: CertMapEvent.Kind, at time: Date = Date()) -> CertMapEvent {
        let keep = keepsRecent(kind)
        let (event, evicted) = state.withLock { state in
            let event = Self.append(kind, at: time, to: &state)
            return (event, keep ? state.recent.append(event) : nil)
        }
        // The evicted event is released here, outside the lock: freeing an old request's
        // record must not lengthen every other publisher's wait.
        withExtendedLifetime(evicted) {}
        return event
    }

    /// Stamps and delivers several events in order under one acquisition of the lock (a
    /// request's steps and its record): numbered consecutively, never interleaved with another
    /// publisher's.
    public func publish(_ kinds: [CertMapEvent.Kind], at time: Date = Date()) {
        var evicted: [CertMapEvent] = []
        evicted.reserveCapacity(kinds.count)
        state.withLock { state in
            for kind in kinds {
                let event = Self.append(kind, at: time, to: &state)
                if keepsRecent(kind), let old = state.recent.append(event) { evicted.append(old) }
            }
        }
        withExtendedLifetime(evicted) {}
    }

    /// Numbers an event and hands it to the subscribers that want it (the caller holds the lock
    /// and keeps it in `recent`).
    private static func append(_ kind: CertMapEvent.Kind, at time: Date, to state: inout State) -> CertMapEvent {
        state.sequence += 1
        let event = CertMapEvent(sequence: state.sequence, time: time, kind: kind)
        for id in state.subscribers.keys where state.subscribers[id]!.wants(kind) {
            if !state.subscribers[id]!.delivery.deliver(event) {
                state.subscribers[id]!.dropped += 1
                state.dropped += 1
            }
        }
        return event
    }

    /// A new subscription that sees every event published from now on (or only the kinds
    /// `wants` accepts: the console skips per-step events it does not show, so they cost it
    /// nothing), buffering at most `bufferSize` undelivered events (older ones are dropped and
    /// counted).
    public func subscribe(bufferSize: Int = 8192, wants: @escaping @Sendable (CertMapEvent.Kind) -> Bool = { _ in true }) -> EventSubscription {
        let (stream, continuation) = AsyncStream.makeStream(of: CertMapEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = register(.stream(continuation), wants: wants)
        continuation.onTermination = { [weak self] _ in self?.cancel(subscriber: id) }
        return EventSubscription(id: id, events: stream, bus: self)
    }

    /// A subscription whose events are handed to `sink` as they are published, on the
    /// publisher's thread and under the bus's lock — so `sink` must only queue (a bounded inbox,
    /// never I/O), and returns false when it had to drop the event (counted as for a stream).
    /// Ends with `cancel(_:)` or `finish()`, which calls `finished` (outside the lock).
    public func subscribe(
        wants: @escaping @Sendable (CertMapEvent.Kind) -> Bool = { _ in true }, sink: @escaping @Sendable (CertMapEvent) -> Bool,
        finished: (@Sendable () -> Void)? = nil
    ) -> EventSinkSubscription {
        EventSinkSubscription(id: register(.sink(sink, finished: finished), wants: wants), bus: self)
    }

    /// Adds a subscriber; returns its id.
    private func register(_ delivery: Delivery, wants: @escaping @Sendable (CertMapEvent.Kind) -> Bool) -> UInt64 {
        state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = Subscriber(delivery: delivery, wants: wants)
            return state.nextSubscriber
        }
    }

    func cancel(subscriber: UInt64) {
        state.withLock { _ = $0.subscribers.removeValue(forKey: subscriber) }
    }

    /// The newest `limit` events, oldest first.
    public func recent(_ limit: Int = .max) -> [CertMapEvent] {
        state.withLock { $0.recent.suffix(limit) }
    }

    /// Events dropped across all subscribers since start.
    public var droppedEvents: UInt64 {
        state.withLock { $0.dropped }
    }

    func dropped(for subscriber: UInt64) -> UInt64 {
        state.withLock { $0.subscribers[subscriber]?.dropped ?? 0 }
    }

    /// Ends every subscription's stream and removes every sink, telling those that asked (at shutdown).
    public func finish() {
        let (continuations, finishedSinks) = state.withLock { state in
            let sinks = state.subscribers.values.compactMap { subscriber -> (@Sendable () -> Void)? in
                if case .sink(_, let finished) = subscriber.delivery { return finished }
                return nil
            }
            state.subscribers = state.subscribers.filter { $0.value.delivery.continuation != nil }
            return (state.subscribers.values.compactMap(\.delivery.continuation), sinks)
        }
        continuations.forEach { $0.finish() }
        finishedSinks.forEach { $0() }
    }
}

/// A consumer's view of the bus: an async sequence of events plus its own drop count.
public struct EventSubscription: Sendable {
    let id: UInt64
    public let events: AsyncStream<CertMapEvent>
    let bus: EventBus

    /// How many events this subscriber lost because it fell behind.
    public var dropped: UInt64 { bus.dropped(for: id) }
}

/// A sink's subscription: its drop count, and a way to stop receiving.
public struct EventSinkSubscription: Sendable {
    let id: UInt64
    let bus: EventBus

    /// How many events the sink refused.
    public var dropped: UInt64 { bus.dropped(for: id) }

    /// Stops delivering to the sink.
    public func cancel() {
        bus.cancel(subscriber: id)
    }
}
