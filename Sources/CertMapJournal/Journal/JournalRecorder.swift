/// Feeds the bus's events into a journal writer, flushing at least every `flushInterval`; runs
/// until the bus finishes, then flushes and closes the file. Authentication steps are not
/// journalled on their own: each is already in its request's trace, stored once there.
public enum JournalRecorder {
    /// Starts recording; await the returned task after `EventBus.finish()` to be sure every
    /// event is on disk. Write failures are published once as a system event and recording stops.
    /// Everything but the live step-by-step copies of request traces.
    @Sendable static func journalled(_ kind: CertMapEvent.Kind) -> Bool {
        if case .authStep = kind { return false }
        return true
    }

    public static func start(bus: EventBus, writer: JournalWriter) -> Task<Void, Never> {
        let subscription = bus.subscribe(wants: journalled)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: writer.settings.flushInterval)
                try? writer.flush()
            }
        }
        return Task {
            defer { ticker.cancel() }
            for await event in subscription.events {
                do {
                    try writer.append(event)
                } catch {
                    bus.publish(.system(SystemEvent("journal stopped: \(error)")))
                    return
                }
            }
            do {
                try writer.close()
            } catch {
                bus.publish(.system(SystemEvent("journal could not be closed cleanly: \(error)")))
            }
        }
    }
}
