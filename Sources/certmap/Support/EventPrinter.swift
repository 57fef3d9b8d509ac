import CertMapJournal
import Foundation

/// Writes events to stdout as they happen: a text line each, or one JSON object per line.
struct EventPrinter {
    let format: ServeCommand.LogFormat

    /// Prints until the bus finishes (nothing for `.none`), then says on stderr how many events
    /// it had to drop because it fell behind: a printed log with gaps must not look complete.
    /// Subscribes now (so no event published after this call is missed) and prints in the
    /// returned task until the bus finishes; `nil` for `--log-format none`.
    func start(on bus: EventBus) -> Task<Void, Never>? {
        guard format != .none else { return nil }
        let subscription = bus.subscribe()
        return Task { await printReportingDrops(subscription) }
    }

    func printReportingDrops(_ subscription: EventSubscription) async {
        await print(subscription)
        if subscription.dropped > 0 {
            FileHandle.standardError.write(Data("certmap: the event printer fell behind and dropped \(subscription.dropped) events\n".utf8))
        }
    }

    func print(_ subscription: EventSubscription) async {
        var writer = EventJSONWriter()
        for await event in subscription.events {
            switch format {
            case .text: FileHandle.standardOutput.write(Data((EventText.lines(event).joined(separator: "\n") + "\n").utf8))
            case .json: FileHandle.standardOutput.write((try? writer.line(event)) ?? Data("{}\n".utf8))
            case .none: continue
            }
        }
    }
}
