import CertMapJournal
import Foundation

/// Writes events to stdout as they happen: a text line each, or one JSON object per line.
struct EventPrinter {
    let format: ServeCommand.LogFormat

    func print(_ subscription: EventSubscription) async {
        let encoder = EventJSON.encoder()
        for await event in subscription.events {
            let line: String
            switch format {
            case .text: line = EventText.line(event)
            case .json: line = (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            case .quiet: continue
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
