import CertMapConsole
import CertMapJournal
import Dispatch
import Foundation

/// Runs the console on a thread of its own (ncurses is single-threaded and its input wait must
/// not block Swift's cooperative pool) and gives the terminal back however it ends: quit, a
/// signal (SIGINT, SIGTERM, SIGHUP stop the loop cleanly), or an error opening the terminal.
/// Fatal signals are handled by the backend's crash restore.
enum TerminalSession {
    /// The console thread's niceness (0 is the server's).
    static let consoleNiceness: Int32 = 10

    /// - Parameter inbox: where the bus already delivers the console's events.
    static func run(state: ConsoleState, theme: Theme, driver: ConsoleDriver, inbox: ConsoleInbox) async -> Result<ConsoleHost.Exit, TerminalUnavailable> {
        let signals = SignalForwarder(inbox: inbox)
        defer { signals.cancel() }
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                // The server's threads come first: when the machine is saturated the console
                // draws fewer frames (and, far behind, counts dropped events) rather than take
                // CPU from requests. On Linux niceness is per thread, and `who` 0 is the calling one.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.consoleNiceness)
                let backend: NCursesBackend
                do throws(TerminalUnavailable) {
                    backend = try NCursesBackend(theme: theme)
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                let host = ConsoleHost(state: state, backend: backend, driver: driver, inbox: inbox)
                let exit = host.run(events: nil)
                backend.shutdown()
                continuation.resume(returning: .success(exit))
            }
            thread.name = "certmap-console"
            thread.start()
        }
    }
}

/// Turns SIGINT, SIGTERM and SIGHUP into a stop request for the console loop.
private final class SignalForwarder {
    private let sources: [DispatchSourceSignal]

    init(inbox: ConsoleInbox) {
        let queue = DispatchQueue(label: "certmap.console.signals")
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { inbox.requestStop(name) }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
