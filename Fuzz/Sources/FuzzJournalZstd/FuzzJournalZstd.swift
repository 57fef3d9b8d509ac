@testable import CertMapJournal
import Foundation
import FuzzSupport

/// Compressed journal segments (`journal-*.jsonl.zst`, zstd frames appended one per flush):
/// `Zstd.decompress(_:)` as `JournalReader.read(_:)` calls it, then the lines decoded as events.
///
/// Property: what the journal writer's `Zstd.Compressor` writes decompresses completely to what
/// it was given.
private let decoder = EventJSON.decoder()
private let compressor = try! Zstd.Compressor()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(Fuzz.bytes(data, size))
    let (text, _) = Zstd.decompress(input)
    for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) where !line.isEmpty {
        _ = try? decoder.decode(CertMapEvent.self, from: Data(line))
    }
    // Round trip of what came out (or of the raw input, when nothing did), as the writer would store it.
    let plain = text.isEmpty ? input.prefix(4096) : text.prefix(4096)
    do {
        let (again, complete) = Zstd.decompress(try compressor.frame(plain))
        Fuzz.check(complete && again == plain, "a zstd frame certmap wrote does not decompress to its input")
    } catch {
        Fuzz.check(false, "Zstd.Compressor.frame failed on \(plain.count) bytes: \(error)")
    }
    return 0
}
