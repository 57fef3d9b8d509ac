import CertMapConsole
import Foundation
import XCTest

/// A terminal for host-loop tests: each scripted key is typed only once the screen shows what the
/// operator would wait for, so the test does not depend on timing. Gives up (typing `Q`) after
/// `timeout`, recording what it was still waiting for.
final class ScriptedBackend: TerminalBackend {
    struct Step {
        let waitFor: String
        let key: Key
    }

    var size: TerminalSize
    private var steps: [Step]
    private let deadline: Date
    private(set) var lastFrame: ScreenBuffer?
    private(set) var frameCount = 0
    private(set) var timedOutWaitingFor: String?
    private(set) var isShutDown = false

    init(width: Int = 100, height: Int = 30, steps: [Step], timeout: TimeInterval = 10) {
        self.size = TerminalSize(width: width, height: height)
        self.steps = steps
        self.deadline = Date().addingTimeInterval(timeout)
    }

    var lastText: String { lastFrame?.text ?? "" }

    func draw(_ buffer: ScreenBuffer) {
        lastFrame = buffer
        frameCount += 1
    }

    func nextInput() -> TerminalInput? {
        guard let step = steps.first else { return nil }
        if lastText.contains(step.waitFor) {
            steps.removeFirst()
            return .key(step.key)
        }
        if Date() > deadline {
            timedOutWaitingFor = step.waitFor
            steps = []
            return .key(.character("Q"))
        }
        return nil
    }

    func shutdown() {
        isShutDown = true
    }
}

/// A driver that records requests and answers mode switches and pauses the way the app does.
final class RecordingDriver: ConsoleDriver, @unchecked Sendable {
    // @unchecked: `requests` is guarded by `lock`.
    private let lock = NSLock()
    private var received: [ConsoleRequest] = []

    var requests: [ConsoleRequest] { lock.withLock { received } }

    func perform(_ request: ConsoleRequest) async -> [ConsoleAction] {
        lock.withLock { received.append(request) }
        switch request {
        case .switchMode(let mode): return [.modeChanged(mode)]
        case .pauseTraffic(let paused): return [.trafficPauseChanged(paused)]
        case .dryRunMappings: return [.dryRunFinished(MappingDryRun(examined: 3, changes: [], skipped: 0))]
        case .saveMappings(let document, _): return [.configurationLoaded(document), .mappingsSaved(generation: 2)]
        case .listSessions, .saveSession, .deleteSession, .replaySession, .replayRequest, .controlReplay: return [.sessionsListed([])]
        case .startScenario(let name): return [.notice("scenario \(name) finished")]
        case .quit: return []
        }
    }
}
