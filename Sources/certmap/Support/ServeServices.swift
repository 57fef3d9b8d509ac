import CertMapJournal
import Foundation
import CertMapServer
import Logging
import ServiceLifecycle
import UnixSignals

/// A part of `certmap serve` that was started (and could fail) before the group runs, and
/// stops when the group shuts down: the group stops its parts in the reverse order of its list,
/// each after the one started after it.
struct StartedPart: Service, CustomStringConvertible {
    let description: String
    let stop: @Sendable () async -> Void

    func run() async throws {
        // Returns when the group shuts down gracefully; throws when it is cancelled (past the
        // shutdown deadline): either way the part stops.
        try? await gracefulShutdown()
        await stop()
    }
}

/// Follows config.json and the trust files while serving (`ConfigFileWatcher`), and reloads at
/// once on SIGHUP.
struct ConfigReloadService: Service, CustomStringConvertible {
    let watcher: ConfigFileWatcher
    var description: String { "config reload" }

    func run() async throws {
        watcher.start()
        defer { watcher.stop() }
        for await _ in await trappedSignals(.sighup).cancelOnGracefulShutdown() {
            watcher.reload(reason: "SIGHUP")
        }
    }
}

/// Ends `certmap serve` on SIGTERM or SIGINT: says which, and returns, which shuts the group
/// down gracefully (the server drains its connections, the journal is flushed). The signals are
/// trapped before anything starts (`trapping()`), so one that arrives while the server is still
/// starting is not the default "terminate now" but a shutdown as soon as the group runs.
struct ShutdownSignalService: Service, CustomStringConvertible {
    let events: EventBus
    let signals: UnixSignalsSequence
    var description: String { "shutdown signals" }

    static func trapping() async -> UnixSignalsSequence {
        await trappedSignals(.sigterm, .sigint)
    }

    func run() async throws {
        for await signal in signals.cancelOnGracefulShutdown() {
            events.publish(.system(SystemEvent("received \(signal), shutting down")))
            return
        }
    }
}

extension ServiceGroup {
    /// The services of `certmap serve`, in start order; shut down in reverse when a signal
    /// service returns, with `deadline` before the rest is cancelled.
    static func serve(_ parts: [any Service], deadline: Duration) -> ServiceGroup {
        let configurations = parts.map { part in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: part, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        var configuration = ServiceGroupConfiguration(services: configurations, logger: Logger(label: "certmap.serve") { _ in SwiftLogNoOpLogHandler() })
        configuration.maximumGracefulShutdownDuration = deadline
        return ServiceGroup(configuration: configuration)
    }
}

/// `signals` as a sequence, their default action turned off first: on Linux a dispatch signal
/// source does not replace it by itself, so a SIGTERM delivered to an event-loop thread would
/// still end the process at once.
private func trappedSignals(_ signals: UnixSignal...) async -> UnixSignalsSequence {
    for trapped in signals { signal(trapped.rawValue, SIG_IGN) }
    return await UnixSignalsSequence(trapping: signals)
}
