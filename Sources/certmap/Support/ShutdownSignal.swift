import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM so long-running commands stop cleanly (listening socket closed,
/// events flushed) instead of dying mid-write.
enum ShutdownSignal {
    static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "certmap.signals")
            let resumed = ResumeOnce(continuation)
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                resumed.keep(source)
            }
        }
    }
}

/// Resumes a continuation at most once and keeps the signal sources alive until then.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func resume(_ name: String) {
        let pending = lock.withLock { () -> CheckedContinuation<String, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: name)
    }
}

/// Runs `action` on every delivery of one signal (SIGHUP: reload) instead of its default action,
/// until cancelled. (`@unchecked`: the source is set once and only cancelled afterwards.)
final class SignalHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(_ number: Int32, _ action: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "certmap.signal.\(number)"))
        source.setEventHandler(handler: action)
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
