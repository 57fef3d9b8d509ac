import Foundation

/// Waits until `condition` holds, checking every 5 ms, for at most `seconds`; returns whether it
/// held. For what a test cannot be told directly (an event published by another thread after the
/// client saw its answer): the test goes on as soon as it is true, instead of sleeping a fixed
/// time that is either too long or, on a loaded machine, too short.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
