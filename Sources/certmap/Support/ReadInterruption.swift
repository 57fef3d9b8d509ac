import Dispatch
import Foundation

/// Ctrl-C during a long read (`diagnose`, `replay --dry-run` over a journal): instead of dying
/// with nothing printed, the command stops reading at the next batch and reports what it read
/// so far, saying that it was interrupted. A second Ctrl-C ends the process at once.
final class ReadInterruption: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    /// Starts listening for SIGINT (the default action is off until `stop()`).
    static func start() -> ReadInterruption {
        let interruption = ReadInterruption()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [interruption] in
            if interruption.lock.withLock({ () -> Bool in
                defer { interruption.raised = true }
                return interruption.raised
            }) {
                // The second Ctrl-C: the operator means it.
                signal(SIGINT, SIG_DFL)
                kill(getpid(), SIGINT)
            }
        }
        source.resume()
        interruption.source = source
        return interruption
    }

    /// Whether Ctrl-C was pressed.
    var isRaised: Bool { lock.withLock { raised } }

    /// Gives SIGINT its default action back.
    func stop() {
        source?.cancel()
        source = nil
        signal(SIGINT, SIG_DFL)
    }
}
