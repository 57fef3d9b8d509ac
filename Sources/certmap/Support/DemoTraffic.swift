import CertMapJournal
import CertMapProxy
import Foundation

/// The console's gentle background traffic: the `demo` scenario, round after round with a
/// pause between rounds, until the console stops; `p` pauses and resumes it (before the next
/// request of every connection in flight). Starting, pausing, resuming and stopping are system
/// events; the rounds themselves are not (they would flood the Events screen).
final class DemoTraffic: DemoTrafficControl {
    /// Shared with every round, so its progress is the current round's.
    let control = ScenarioControl()
    private let events: EventBus
    private let task: Task<Void, Never>

    init(runner: ScenarioRunner, events: EventBus, mode: @escaping @Sendable () -> String, pauseBetweenRounds: Duration = .seconds(2)) {
        let control = self.control
        self.events = events
        events.publish(.system(SystemEvent("demo traffic started (scenario demo, repeated; p pauses it)")))
        task = Task.detached {
            while !Task.isCancelled {
                _ = try? await runner.run(BuiltinScenarios.demo, mode: mode(), control: control)
                try? await Task.sleep(for: pauseBetweenRounds)
            }
        }
    }

    func setPaused(_ paused: Bool) async {
        guard await control.isPaused != paused else { return }
        await control.setPaused(paused)
        events.publish(.system(SystemEvent(paused ? "demo traffic paused" : "demo traffic resumed")))
    }

    func stop() async {
        await control.stop()
        task.cancel()
        await task.value
        events.publish(.system(SystemEvent("demo traffic stopped")))
    }
}
