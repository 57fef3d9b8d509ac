import CertMapCore
import CertMapJournal
import XCTest

/// Batched delivery for writers (journal, log): the publisher only queues; the subscriber is
/// woken by time or by a full-enough inbox, never per event; nothing is lost silently.
final class EventBatchesTests: XCTestCase {
    private func publish(_ bus: EventBus, _ range: ClosedRange<Int>) {
        for index in range { bus.publish(.system(SystemEvent("event \(index)"))) }
    }

    func testAFullEnoughInboxWakesTheSubscriberWithoutWaitingForTheInterval() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .seconds(3600), wakeAt: 10)
        publish(bus, 1...10)
        var iterator = batches.makeAsyncIterator()
        let batch = await iterator.next()
        XCTAssertEqual(batch?.map(\.sequence), Array(1...10), "woken by the tenth event, an hour before the interval")
        bus.finish()
    }

    func testFinishingTheBusHandsOverWhatIsLeftThenEnds() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .seconds(3600), wakeAt: 1000)
        publish(bus, 1...5)
        bus.finish()
        var received: [UInt64] = []
        for await batch in batches { received += batch.map(\.sequence) }
        XCTAssertEqual(received, [1, 2, 3, 4, 5])
    }

    func testTheIntervalWakesTheSubscriberForASingleEvent() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .milliseconds(20), wakeAt: 1000)
        publish(bus, 1...1)
        var iterator = batches.makeAsyncIterator()
        let batch = await iterator.next()
        XCTAssertEqual(batch?.count, 1)
        bus.finish()
    }

    func testAFullInboxDropsAndCountsTheNewestEvents() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .seconds(3600), wakeAt: 1000, capacity: 3)
        publish(bus, 1...5)
        bus.finish()
        var received: [UInt64] = []
        for await batch in batches { received += batch.map(\.sequence) }
        XCTAssertEqual(received, [1, 2, 3])
        XCTAssertEqual(batches.dropped, 2)
        XCTAssertEqual(bus.droppedEvents, 2)
    }

    func testOnlyTheWantedKindsAreQueued() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .seconds(3600)) { kind in
            if case .system = kind { return true }
            return false
        }
        bus.publish(.security(SecurityEvent(category: .limit, connection: nil, peer: "p", message: "m")))
        publish(bus, 1...2)
        bus.finish()
        var received: [UInt64] = []
        for await batch in batches { received += batch.map(\.sequence) }
        XCTAssertEqual(received, [2, 3])
    }

    func testCancellingHandsOverWhatWaitsAndStopsReceiving() async {
        let bus = EventBus()
        let batches = EventBatches(bus: bus, interval: .seconds(3600))
        publish(bus, 1...2)
        batches.cancel()
        publish(bus, 3...4)
        var received: [UInt64] = []
        for await batch in batches { received += batch.map(\.sequence) }
        XCTAssertEqual(received, [1, 2])
        XCTAssertEqual(batches.dropped, 0, "events after cancelling are not this subscriber's")
    }
}
