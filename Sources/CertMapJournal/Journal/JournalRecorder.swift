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
        // In batches: the server only queues each event; encoding, compressing and writing
        // happen here, once per flush interval (or sooner under load), not once per event.
        let batches = EventBatches(bus: bus, interval: writer.settings.flushInterval, wants: journalled)
        return Task {
            for await batch in batches {
                do {
                    for event in batch { try writer.append(event) }
                    try writer.flush()
                } catch {
                    batches.cancel()
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
