@testable import CertMapJournal
import Foundation
import FuzzSupport

/// Compressed journal segments (`journal-*.jsonl.gz`, gzip members appended one per flush):
/// `Gzip.decompress(_:)` as `JournalReader.read(_:)` calls it, then the lines decoded as events.
///
/// Property: what `Gzip.member` writes (the journal writer's side) decompresses completely to
/// what it was given.
private let decoder = EventJSON.decoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(Fuzz.bytes(data, size))
    let (text, complete) = Gzip.decompress(input)
    for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) where !line.isEmpty {
        _ = try? decoder.decode(CertMapEvent.self, from: Data(line))
    }
    _ = complete
    // Round trip of what came out (or of the raw input, when nothing did), as the writer would store it.
    let plain = text.isEmpty ? input.prefix(4096) : text.prefix(4096)
    do {
        let (again, completeAgain) = Gzip.decompress(try Gzip.member(plain))
        Fuzz.check(completeAgain && again == plain, "a gzip member certmap wrote does not decompress to its input")
    } catch {
        Fuzz.check(false, "Gzip.member failed on \(plain.count) bytes: \(error)")
    }
    return 0
}
