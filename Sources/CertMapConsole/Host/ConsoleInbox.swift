import CertMapJournal
import Foundation

/// The one place other threads hand work to the console's UI thread: bus events, the driver's
/// answers, signals. Bounded, so a flood of events can never make the console's memory grow
/// (or block the server that publishes them): past `capacity`, events are dropped and counted,
/// and the count is shown with the bus's own drops.
///
/// Answers from the driver are never dropped: they are few and the operator is waiting for them.
public final class ConsoleInbox: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `lock`.
    private let lock = NSLock()
    private var actions: [ConsoleAction] = []
    private var dropped: UInt64 = 0
    private var stopReason: String?
    public let capacity: Int

    public init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// Queues a bus event, or counts it as dropped when the console is `capacity` behind;
    /// returns whether it was queued.
    @discardableResult
    public func post(event: CertMapEvent) -> Bool {
        lock.withLock {
            if actions.count >= capacity {
                dropped += 1
                return false
            }
            actions.append(.event(event))
            return true
        }
    }

    /// Has the bus hand the events the console shows straight to this inbox, on the
    /// publisher's thread: one lock and an append per event, no task to wake. Drops are counted
    /// here (`droppedCount`), so run the host with no stream subscription.
    public func subscribe(to bus: EventBus) -> EventSinkSubscription {
        bus.subscribe(wants: ConsoleHost.wantsEvent) { [self] event in post(event: event) }
    }

    /// Queues actions that must not be lost (answers, configuration changes).
    public func post(_ newActions: [ConsoleAction]) {
        guard !newActions.isEmpty else { return }
        lock.withLock { actions.append(contentsOf: newActions) }
    }

    /// Asks the host loop to stop at its next turn (a signal, the application shutting down).
    public func requestStop(_ reason: String) {
        lock.withLock { if stopReason == nil { stopReason = reason } }
    }

    /// Everything queued so far, oldest first, and empties the queue.
    func drain() -> [ConsoleAction] {
        lock.withLock {
            defer { actions.removeAll(keepingCapacity: true) }
            return actions
        }
    }

    /// Events the inbox itself had to drop.
    public var droppedCount: UInt64 { lock.withLock { dropped } }

    /// Why the host was asked to stop, once it was.
    var stopRequest: String? { lock.withLock { stopReason } }
}
