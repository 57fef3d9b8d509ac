import CertMapCore
import CertMapJournal
import Foundation
import FuzzSupport

/// Journal files (`<home>/journal/journal-*.jsonl`, `--journal FILE`): split into lines and each
/// non-empty line decoded with `EventJSON.decoder()` exactly as `JournalReader.read(_:)` does
/// (it only takes a URL), then what `diagnose`, `replay` and `sessions` do with the events:
/// the one-line text, the diagnosis, session selection (which decodes stored certificates).
///
/// Property: an event that decoded, encoded with `EventJSON.encoder()` (what the journal
/// writer uses), decodes again.
private let decoder = EventJSON.decoder()
private let encoder = EventJSON.encoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(Fuzz.bytes(data, size))
    var events: [CertMapEvent] = []
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) where !line.isEmpty {
        guard let event = try? decoder.decode(CertMapEvent.self, from: Data(line)) else { continue }
        events.append(event)
        _ = EventText.line(event)
        if let written = try? encoder.encode(event) {
            do {
                _ = try decoder.decode(CertMapEvent.self, from: written)
            } catch {
                Fuzz.check(false, "the journal cannot read back what it writes: \(error)\n\(String(decoding: written, as: UTF8.self))")
            }
        }
    }
    guard !events.isEmpty else { return 0 }
    _ = JournalDiagnosis(events: events)
    _ = JournalDiagnosis(events: events, since: events[0].time)
    for selector in [SessionSelector(), SessionSelector(connection: 1, identity: "alice"), SessionSelector(since: events[0].time)] {
        let (session, times) = ReplaySession.selectWithTimes(from: events, where: selector)
        _ = (session.requests.count, session.certificates.count, times.count)
    }
    return 0
}
