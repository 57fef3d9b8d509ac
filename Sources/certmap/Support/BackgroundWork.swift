import CertMapCore

/// Work started on the operator's behalf that outlives the request that started it — a scenario
/// run from the console — and must end before the event loops do: quitting while a scenario's
/// clients were connecting shut the loops down under them, and NIO stopped the process on a
/// leaked promise (exit 132). `stop()` cancels every piece still running and waits for it.
final class BackgroundWork: Sendable {
    private let running = LockedState<[UInt64: Task<Void, Never>]>([:])
    private let counter = LockedState<UInt64>(0)

    /// Runs `body` as tracked work and returns its result; cancelling the caller cancels it.
    func run<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) async -> Result {
        let id = counter.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let result = LockedState<Result?>(nil)
        let task = Task {
            let value = await body()
            result.withLock { $0 = value }
        }
        running.withLock { $0[id] = task }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        running.withLock { $0[id] = nil }
        // The task has finished, so the result is set.
        return result.withLock { $0 }!
    }

    /// Cancels everything still running and waits until it has ended.
    func stop() async {
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
