@testable import CertMapProxy
import XCTest

/// The reuse policies as decisions, without sockets.
final class UpstreamPoolStateTests: XCTestCase {
    func testAlwaysWithOneConnectionQueuesEveryoneOntoIt() {
        var pool = UpstreamPoolState(size: 1, policy: .always)
        XCTAssertEqual(pool.acquire(for: 1), .open(1))
        XCTAssertEqual(pool.acquire(for: 2), .wait)
        XCTAssertEqual(pool.acquire(for: 3), .wait)
        let first = pool.release(1)
        XCTAssertFalse(first.close)
        XCTAssertEqual(first.next?.client, 2)
        XCTAssertEqual(first.next?.decision, .use(1), "client 2 gets client 1's connection")
        XCTAssertEqual(pool.release(1).next?.client, 3)
        XCTAssertNil(pool.release(1).next)
        XCTAssertEqual(pool.acquire(for: 4), .use(1))
    }

    func testSafeNeverHandsOneClientsConnectionToAnother() {
        var pool = UpstreamPoolState(size: 1, policy: .safe)
        XCTAssertEqual(pool.acquire(for: 1), .open(1))
        XCTAssertNil(pool.release(1).next)
        XCTAssertEqual(pool.acquire(for: 2), .wait, "the only connection belongs to client 1")
        XCTAssertEqual(pool.acquire(for: 1), .use(1))
        XCTAssertNil(pool.release(1).next, "client 2 may not use it")
        XCTAssertEqual(pool.clientClosed(1), [1], "client 1 left: its idle connection must close")
        let next = pool.remove(1)
        XCTAssertEqual(next?.client, 2)
        XCTAssertEqual(next?.decision, .open(2))
    }

    func testSafeClosesABusyConnectionOfADepartedClientWhenItsResponseIsDone() {
        var pool = UpstreamPoolState(size: 1, policy: .safe)
        XCTAssertEqual(pool.acquire(for: 1), .open(1))
        XCTAssertEqual(pool.acquire(for: 2), .wait)
        XCTAssertEqual(pool.clientClosed(1), [], "busy: not closed yet")
        let released = pool.release(1)
        XCTAssertTrue(released.close)
        XCTAssertEqual(released.next?.client, 2)
        XCTAssertEqual(released.next?.decision, .open(2))
    }

    func testNeverOpensAConnectionPerRequestAndClosesItAfterwards() {
        var pool = UpstreamPoolState(size: 2, policy: .never)
        XCTAssertEqual(pool.acquire(for: 1), .open(1))
        XCTAssertTrue(pool.release(1).close)
        XCTAssertEqual(pool.acquire(for: 1), .open(2))
    }

    func testTheWaitingQueueIsBounded() {
        var pool = UpstreamPoolState(size: 1, policy: .always, maxWaiting: 2)
        XCTAssertEqual(pool.acquire(for: 1), .open(1))
        XCTAssertEqual(pool.acquire(for: 2), .wait)
        XCTAssertEqual(pool.acquire(for: 3), .wait)
        XCTAssertEqual(pool.acquire(for: 4), .reject)
    }
}
