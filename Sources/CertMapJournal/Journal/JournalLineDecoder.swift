import CertMapCore
import Foundation

/// Reads the journal's lines back into events: `shared` lines go into the scope's table
/// (`JournalSharedTable`) and yield nothing; request lines in the compact form are resolved
/// against it; every other line is an event as `EventJSON` writes it.
struct JournalLineDecoder {
    let table = JournalSharedTable()
    private let decoder: JSONDecoder

    init() {
        decoder = EventJSON.decoder()
        decoder.userInfo[.journalShared] = table
    }

    /// A new segment: nothing from the previous one is referred to.
    func startSegment() {
        table.reset()
    }

    /// The event on `line`, or nil for a `shared` line (kept for the lines after it).
    func decode(_ line: Data) throws -> CertMapEvent? {
        if Self.isShared(line) {
            table.define(try decoder.decode(SharedLine.self, from: line).shared)
            return nil
        }
        return try decoder.decode(CertMapEvent.self, from: line)
    }

    private static let sharedSuffix = Array("\"type\":\"shared\"}".utf8)

    /// Keys are sorted, so `type` is the last one on every line.
    private static func isShared(_ line: Data) -> Bool {
        guard line.count >= sharedSuffix.count else { return false }
        return line.suffix(sharedSuffix.count).elementsEqual(sharedSuffix)
    }
}
