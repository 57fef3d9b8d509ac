import Foundation

/// When the host loop redraws and when it sends the clock: at most `framesPerSecond` frames
/// however many events arrive (a flood is coalesced into the next frame, never queued as
/// frames), and a `.tick` every `tickInterval` so rates and messages move while nothing happens.
struct FramePacer: Sendable {
    var framesPerSecond: Double = 30
    var tickInterval: TimeInterval = 0.25
    private(set) var lastFrame: Date?
    private(set) var lastTick: Date?

    /// Whether a frame may be drawn now (the previous one was at least 1/fps ago).
    func mayDraw(at now: Date) -> Bool {
        guard let lastFrame else { return true }
        return now.timeIntervalSince(lastFrame) >= 1 / framesPerSecond
    }

    mutating func drew(at now: Date) {
        lastFrame = now
    }

    /// Whether to send a tick now; records it when so.
    mutating func takeTick(at now: Date) -> Bool {
        if let lastTick, now.timeIntervalSince(lastTick) < tickInterval { return false }
        lastTick = now
        return true
    }
}
