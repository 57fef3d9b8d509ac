import CertMapCore
import CertMapJournal
import XCTest

/// The bounded fan-out: never blocks the publisher, drops are counted per subscriber, memory is bounded.
final class EventBusTests: XCTestCase {
    func testEverySubscriberReceivesEventsInOrderWithSequenceNumbers() async {
        let bus = EventBus()
        let first = bus.subscribe()
        let second = bus.subscribe()
        for index in 1...3 { bus.publish(.system(SystemEvent("event \(index)"))) }
        bus.finish()
        for subscription in [first, second] {
            var sequences: [UInt64] = []
            for await event in subscription.events { sequences.append(event.sequence) }
            XCTAssertEqual(sequences, [1, 2, 3])
        }
    }

    func testSlowSubscriberLosesOldestEventsAndTheDropsAreCounted() async {
        let bus = EventBus()
        let slow = bus.subscribe(bufferSize: 10)
        for index in 1...25 { bus.publish(.system(SystemEvent("event \(index)"))) }
        XCTAssertEqual(slow.dropped, 15)
        XCTAssertEqual(bus.droppedEvents, 15)
        bus.finish()
        var received: [UInt64] = []
        for await event in slow.events { received.append(event.sequence) }
        XCTAssertEqual(received, Array(16...25), "the newest events are kept")
    }

    func testRecentEventsAreBoundedByCapacity() {
        let bus = EventBus(recentCapacity: 100)
        for index in 1...1_000 { bus.publish(.system(SystemEvent("event \(index)"))) }
        let recent = bus.recent()
        XCTAssertEqual(recent.count, 100)
        XCTAssertEqual(recent.first?.sequence, 901)
        XCTAssertEqual(recent.last?.sequence, 1_000)
        XCTAssertEqual(bus.recent(3).map(\.sequence), [998, 999, 1_000])
    }

    func testEndedSubscriptionsStopCountingDrops() async {
        let bus = EventBus()
        do {
            let subscription = bus.subscribe(bufferSize: 1)
            bus.finish()
            for await _ in subscription.events {}
        }
        bus.publish(.system(SystemEvent("after")))
        XCTAssertEqual(bus.droppedEvents, 0)
    }

    func testRingBufferKeepsTheNewestElementsInOrder() {
        var ring = RingBuffer<Int>(capacity: 3)
        XCTAssertNil(ring.append(1))
        ring.append(2)
        ring.append(3)
        XCTAssertEqual(ring.append(4), 1)
        XCTAssertEqual(ring.elements, [2, 3, 4])
        XCTAssertEqual(ring.suffix(2), [3, 4])
    }
}

/// A subscriber that names the kinds it wants never buffers (or drops) the others.
final class EventBusFilterTests: XCTestCase {
    func testASubscriptionOnlyReceivesTheKindsItWants() async {
        let bus = EventBus()
        let systemOnly = bus.subscribe(bufferSize: 2) { kind in
            if case .system = kind { return true }
            return false
        }
        for index in 0..<10 { bus.publish(.security(SecurityEvent(category: .spoof, connection: nil, peer: "p", message: "\(index)"))) }
        bus.publish(.system(SystemEvent("wanted")))
        bus.finish()
        var received: [CertMapEvent] = []
        for await event in systemOnly.events { received.append(event) }
        XCTAssertEqual(received.count, 1)
        XCTAssertEqual(systemOnly.dropped, 0, "unwanted events are not dropped: they never entered")
    }

    func testABatchIsNumberedConsecutivelyAndDeliveredInOrder() async {
        let bus = EventBus()
        let stream = bus.subscribe()
        let sunk = LockedState<[CertMapEvent]>([])
        let sink = bus.subscribe { event in
            sunk.withLock { $0.append(event) }
            return true
        }
        bus.publish(.system(SystemEvent("before")))
        bus.publish([.system(SystemEvent("a")), .system(SystemEvent("b")), .system(SystemEvent("c"))])
        bus.finish()
        var sequences: [UInt64] = []
        for await event in stream.events { sequences.append(event.sequence) }
        XCTAssertEqual(sequences, [1, 2, 3, 4])
        XCTAssertEqual(sunk.withLock { $0.map(\.sequence) }, [1, 2, 3, 4], "a sink sees the same order, synchronously")
        XCTAssertEqual(bus.recent().map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(sink.dropped, 0)
    }

    func testASinkThatRefusesEventsHasItsDropsCountedAndCancellingStopsIt() {
        let bus = EventBus()
        let kept = LockedState<[CertMapEvent]>([])
        let sink = bus.subscribe(wants: { if case .system = $0 { return true } else { return false } }) { event in
            guard kept.withLock { $0.count } < 2 else { return false }
            kept.withLock { $0.append(event) }
            return true
        }
        for index in 1...5 { bus.publish(.system(SystemEvent("event \(index)"))) }
        bus.publish(.security(SecurityEvent(category: .spoof, connection: nil, peer: "127.0.0.1:1", message: "ignored kind")))
        XCTAssertEqual(kept.withLock { $0.count }, 2)
        XCTAssertEqual(sink.dropped, 3, "only the wanted kinds count")
        XCTAssertEqual(bus.droppedEvents, 3)
        sink.cancel()
        bus.publish(.system(SystemEvent("after cancel")))
        XCTAssertEqual(sink.dropped, 0, "a cancelled sink is gone")
        XCTAssertEqual(kept.withLock { $0.count }, 2)
    }
}

/// What `recent(_:)` keeps can be narrowed without narrowing what subscribers get.
final class EventBusRecentTests: XCTestCase {
    func testStepsReachSubscribersButAreNotKeptInRecentWhenExcepted() {
        let bus = EventBus(recentCapacity: 4, keepsRecent: EventBus.exceptSteps)
        let heard = LockedState<[CertMapEvent]>([])
        let sink = bus.subscribe { event in
            heard.withLock { $0.append(event) }
            return true
        }
        let step = AuthStep(connection: 1, request: 1, step: TraceStep(stage: .map, outcome: .passed, summary: "mapped"), mode: "per-request")
        for index in 1...3 {
            bus.publish([.authStep(step), .authStep(step), .system(SystemEvent("request \(index)"))])
        }
        XCTAssertEqual(heard.withLock { $0.count }, 9, "subscribers get every event")
        XCTAssertEqual(bus.recent().map(\.sequence), [3, 6, 9], "recent keeps only the kinds it is told to")
        sink.cancel()
    }
}
