import XCTest

@testable import CertMapConsole

/// The test backend records frames and plays input back; terminal input maps to reducer actions.
final class BufferBackendTests: XCTestCase {
    func testRecordsFramesAndPlaysBackInput() {
        let backend = BufferBackend(width: 80, height: 24, input: [.key(.character("2"))])
        var state = ConsoleFixtures.state()
        while let input = backend.nextInput() {
            ConsoleReducer.apply(input.action, to: &state)
            backend.draw(ConsoleView.render(state))
        }
        XCTAssertEqual(backend.frames.count, 1)
        XCTAssertTrue(backend.lastFrame?.line(1).contains("OUTCOMES") ?? false)
        XCTAssertNil(backend.nextInput())
    }

    func testResizeBecomesAResizeAction() {
        let backend = BufferBackend(width: 80, height: 24)
        backend.resize(width: 100, height: 30)
        XCTAssertEqual(backend.size, TerminalSize(width: 100, height: 30))
        XCTAssertEqual(backend.nextInput()?.action, .resize(width: 100, height: 30))
        backend.shutdown()
        XCTAssertTrue(backend.isShutDown)
    }

    func testFrameFollowsTheStateSizeAfterResize() {
        var state = ConsoleFixtures.state()
        ConsoleReducer.apply(.resize(width: 120, height: 40), to: &state)
        let frame = ConsoleView.render(state)
        XCTAssertEqual(frame.width, 120)
        XCTAssertEqual(frame.height, 40)
    }
}
