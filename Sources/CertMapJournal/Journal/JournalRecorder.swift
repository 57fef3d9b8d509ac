import Foundation

/// Feeds the bus's events into a journal writer, flushing at least every `flushInterval`; runs
/// until the bus finishes, then flushes and closes the file. Authentication steps are not
/// journalled on their own: each is already in its request's trace, stored once there.
///
/// A write that fails (a full disk) does not stop recording: the server keeps serving, one system
/// event says so, the writer holds the events back (dropping and counting them past a bound), and
/// every later flush tries again; the first one that succeeds publishes how many events were lost and when, and that
/// line is itself the first thing the journal records again (`JournalGap`).
public enum JournalRecorder {
    /// Everything but the live step-by-step copies of request traces.
    @Sendable static func journalled(_ kind: CertMapEvent.Kind) -> Bool {
        if case .authStep = kind { return false }
        return true
    }

    /// Starts recording; await the returned task after `EventBus.finish()` to be sure every
    /// event is on disk.
    public static func start(bus: EventBus, writer: JournalWriter) -> Task<Void, Never> {
        // In batches: the server only queues each event; encoding, compressing and writing
        // happen here, once per flush interval (or sooner under load), not once per event.
        let batches = EventBatches(bus: bus, interval: writer.settings.flushInterval, wants: journalled)
        return Task {
            var outage: (since: Date, unrecordedBefore: UInt64)?
            for await batch in batches {
                let unrecordedBefore = writer.unrecordedEvents
                do {
                    for event in batch { try writer.append(event) }
                    try writer.flush()
                    if let failed = outage {
                        outage = nil
                        let gap = JournalGap(events: writer.unrecordedEvents - failed.unrecordedBefore, from: failed.since, to: Date())
                        bus.publish(.system(SystemEvent(gap.message)))
                    }
                } catch {
                    if outage == nil {
                        outage = (batch.first?.time ?? Date(), unrecordedBefore)
                        bus.publish(.system(SystemEvent("warning: journal cannot write (\(error)); serving goes on, events are counted as unrecorded and writing is retried at every flush")))
                    }
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

/// Events the journal could not record, between two times: the line the recorder publishes when
/// writing works again, and what `diagnose` reads back from the journal to say that its picture
/// of that time is incomplete.
public struct JournalGap: Hashable, Sendable {
    public let events: UInt64
    public let from: Date
    public let to: Date

    public init(events: UInt64, from: Date, to: Date) {
        self.events = events
        self.from = from
        self.to = to
    }

    static let prefix = "journal resumed: "

    /// "journal resumed: 1234 events not recorded from 2026-12-07T20:11:53Z to 2026-12-07T20:12:40Z (the journal could not be written)";
    /// 0 when everything held back while writes failed was written after all.
    public var message: String {
        "\(Self.prefix)\(events) events not recorded from \(RFC3339Time.string(from)) to \(RFC3339Time.string(to)) (the journal could not be written)"
    }

    /// The gap a journal system line describes, if it is one.
    public init?(message: String) {
        guard message.hasPrefix(Self.prefix) else { return nil }
        let words = message.dropFirst(Self.prefix.count).split(separator: " ")
        guard words.count >= 8, let events = UInt64(words[0]), words[4] == "from", words[6] == "to",
              let from = EventJSON.date(from: String(words[5])), let to = EventJSON.date(from: String(words[7]))
        else { return nil }
        self.init(events: events, from: from, to: to)
    }
}
