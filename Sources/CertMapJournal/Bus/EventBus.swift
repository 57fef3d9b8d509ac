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
        let continuation: AsyncStream<CertMapEvent>.Continuation
        /// Which kinds this subscriber wants; the others never enter its buffer.
        let wants: @Sendable (CertMapEvent.Kind) -> Bool
        var dropped: UInt64 = 0
    }

    private struct State {
        var sequence: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 0
        var recent: RingBuffer<CertMapEvent>
        var dropped: UInt64 = 0
    }

    private let state: LockedState<State>

    /// - Parameter recentCapacity: how many recent events to keep for `recent(_:)`.
    public init(recentCapacity: Int = 10_000) {
        self.state = LockedState(State(recent: RingBuffer(capacity: recentCapacity)))
    }

    /// Stamps and delivers an event; returns it (with its sequence number).
    @discardableResult
    public func publish(_ kind: CertMapEvent.Kind, at time: Date = Date()) -> CertMapEvent {
        state.withLock { state in
            state.sequence += 1
            let event = CertMapEvent(sequence: state.sequence, time: time, kind: kind)
            state.recent.append(event)
            for id in state.subscribers.keys where state.subscribers[id]!.wants(kind) {
                if case .dropped = state.subscribers[id]!.continuation.yield(event) {
                    state.subscribers[id]!.dropped += 1
                    state.dropped += 1
                }
            }
            return event
        }
    }

    /// A new subscription that sees every event published from now on (or only the kinds
    /// `wants` accepts: the console skips per-step events it does not show, so they cost it
    /// nothing), buffering at most `bufferSize` undelivered events (older ones are dropped and
    /// counted).
    public func subscribe(bufferSize: Int = 8192, wants: @escaping @Sendable (CertMapEvent.Kind) -> Bool = { _ in true }) -> EventSubscription {
        let (stream, continuation) = AsyncStream.makeStream(of: CertMapEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = Subscriber(continuation: continuation, wants: wants)
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return EventSubscription(id: id, events: stream, bus: self)
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

    /// Ends every subscription's stream (at shutdown).
    public func finish() {
        let continuations = state.withLock { $0.subscribers.values.map(\.continuation) }
        continuations.forEach { $0.finish() }
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
