import CertMapProxy
import Foundation

/// The console's gentle background traffic: the `demo` scenario, round after round with a
/// pause between rounds, until the console stops; `p` pauses and resumes it.
final class DemoTraffic: DemoTrafficControl {
    private let control = ScenarioControl()
    private let task: Task<Void, Never>

    init(runner: ScenarioRunner, mode: @escaping @Sendable () -> String, pauseBetweenRounds: Duration = .seconds(2)) {
        let control = self.control
        task = Task.detached {
            while !Task.isCancelled {
                _ = try? await runner.run(BuiltinScenarios.demo, mode: mode(), control: control)
                try? await Task.sleep(for: pauseBetweenRounds)
            }
        }
    }

    func setPaused(_ paused: Bool) async {
        await control.setPaused(paused)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}
