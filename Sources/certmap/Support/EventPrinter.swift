import CertMapJournal
import Foundation

/// Writes events to stdout as they happen (within 100 ms): a text line each, or one JSON object per line.
struct EventPrinter {
    let format: ServeCommand.LogFormat

    /// Prints until the bus finishes (nothing for `.none`), then says on stderr how many events
    /// it had to drop because it fell behind: a printed log with gaps must not look complete.
    /// Subscribes now (so no event published after this call is missed) and prints in the
    /// returned task until the bus finishes; `nil` for `--log-format none`.
    func start(on bus: EventBus) -> Task<Void, Never>? {
        guard format != .none else { return nil }
        // In batches, at most 100 ms apart: one write per batch, no task woken per event.
        let batches = EventBatches(bus: bus, interval: .milliseconds(100))
        return Task { await printReportingDrops(batches) }
    }

    func printReportingDrops(_ batches: EventBatches) async {
        await print(batches)
        if batches.dropped > 0 {
            FileHandle.standardError.write(Data("certmap: the event printer fell behind and dropped \(batches.dropped) events\n".utf8))
        }
    }

    func print(_ batches: EventBatches) async {
        var writer = EventJSONWriter()
        for await batch in batches {
            var output = Data()
            for event in batch {
                switch format {
                case .text: output.append(contentsOf: (EventText.lines(event).joined(separator: "\n") + "\n").utf8)
                case .json: output.append((try? writer.line(event)) ?? Data("{}\n".utf8))
                case .none: continue
                }
            }
            FileHandle.standardOutput.write(output)
        }
    }
}
