import CertMapCore
import CertMapJournal
import Foundation
import FuzzSupport

/// HAR files (`certmap replay --har FILE`, `sessions import FILE.har`): `HARDocument` decoded
/// with `JSONDecoder` as `SessionOptions` and `SessionStore` do, converted to a replay session
/// and its request times by `HARConversion`, selected, and exported again as HAR.
///
/// Property: the HAR certmap writes for a session it read decodes again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let document = try? JSONDecoder().decode(HARDocument.self, from: Data(Fuzz.bytes(data, size))) else { return 0 }
    let session = HARConversion.session(from: document)
    let times = HARConversion.times(from: document)
    let selector = SessionSelector(identity: "alice", since: Date(timeIntervalSince1970: 0))
    let selected = session.requests.filter { selector.matches($0, at: times[$0.traceID] ?? Date(timeIntervalSince1970: 0)) }
    _ = selected.count
    let exported = HARConversion.document(from: session, times: times)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]  // as SessionStore and `export har`
    guard let written = try? encoder.encode(exported) else { return 0 }
    do {
        let again = try JSONDecoder().decode(HARDocument.self, from: written)
        Fuzz.check(again.log.entries.count == document.log.entries.count, "an export lost entries")
    } catch {
        Fuzz.check(false, "a HAR certmap exported does not decode: \(error)")
    }
    return 0
}
