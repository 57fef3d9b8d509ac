import Foundation

/// A value shared between threads, only reached under its lock.
///
/// Backed by `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux the latter
/// locks with raw futex calls ThreadSanitizer cannot see, so every access under it was reported
/// as a race and `scripts/sanitize.sh thread` could not tell real races from those.
public final class LockedState<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched inside `withLock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
