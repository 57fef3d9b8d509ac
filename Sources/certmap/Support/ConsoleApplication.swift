import CertMapConsole
import CertMapCore
import CertMapJournal
import CertMapServer
import Foundation

/// What the console drives: the in-process server (mode switches) and the demo traffic (pause).
///
/// It is the only bridge from the console's requests to live objects; the console itself stays
/// free of sockets and files.
struct ConsoleApplication: ConsoleDriver {
    let service: AuthenticationService
    let traffic: DemoTrafficControl?

    func perform(_ request: ConsoleRequest) async -> [ConsoleAction] {
        switch request {
        case .switchMode(let name):
            guard let preset = AuthPersistencePreset(rawValue: name) else {
                return [.requestFailed("unknown authentication mode \(name)")]
            }
            service.setPersistence(preset.flags)
            return [.modeChanged(preset.rawValue)]
        case .pauseTraffic(let paused):
            guard let traffic else {
                return [.requestFailed("no demo traffic is running (the console was started with --no-demo)")]
            }
            await traffic.setPaused(paused)
            return [.trafficPauseChanged(paused)]
        case .quit:
            return []
        }
    }
}

/// Pausing and resuming the console's demo traffic.
protocol DemoTrafficControl: Sendable {
    func setPaused(_ paused: Bool) async
}
