import CertMapCore
import Foundation

/// Reads the journal's lines back into events: `shared` lines go into the scope's table
/// (`JournalSharedTable`) and yield nothing; request lines in the compact form are resolved
/// against it; every other line is an event as `EventJSON` writes it. Request and shared lines
/// are read by `JournalFastDecoder`, anything it does not expect by `JSONDecoder`.
struct JournalLineDecoder {
    let table = JournalSharedTable()
    private let decoder: JSONDecoder
    private let fast: JournalFastDecoder

    /// Whether request records keep their decision's trace (see `JournalFastDecoder.traces`).
    let traces: Bool

    init(traces: Bool = true) {
        self.traces = traces
        decoder = EventJSON.decoder()
        decoder.userInfo[.journalShared] = table
        fast = JournalFastDecoder(table: table, fallback: decoder, traces: traces)
    }

    /// The event on `line`, or nil for a `shared` line (kept for the lines after it).
    func decode(_ line: Data) throws -> CertMapEvent? {
        try line.withUnsafeBytes { try decode($0) }
    }

    func decode(_ line: UnsafeRawBufferPointer) throws -> CertMapEvent? {
        let kind = Self.kind(of: line)
        if kind == .shared {
            table.define(try sharedEntry(line))
            return nil
        }
        if kind == .request {
            do {
                return try fast.request(line)
            } catch is JSONCursor.Unexpected {
                // Not a shape certmap writes: Foundation reads it or says what is wrong.
            }
        }
        return try decoder.decode(CertMapEvent.self, from: Data(line))
    }

    /// The entry on a shared line, not yet added to the table.
    func sharedEntry(_ line: UnsafeRawBufferPointer) throws -> SharedEntry {
        do {
            return try fast.shared(line)
        } catch is JSONCursor.Unexpected {
            return try decoder.decode(SharedLine.self, from: Data(line)).shared
        }
    }

    enum Kind { case shared, request, other }

    /// Keys are sorted, so `type` is the last one on every line certmap writes.
    static func kind(of line: UnsafeRawBufferPointer) -> Kind {
        var end = line.count
        while end > 0, line[end - 1] == 0x20 || line[end - 1] == 0x0D { end -= 1 }
        func endsWith(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard end >= count else { return false }
            return UnsafeRawBufferPointer(rebasing: line[(end - count)..<end]).spells(suffix)
        }
        if endsWith("\"type\":\"request\"}") { return .request }
        if endsWith("\"type\":\"shared\"}") { return .shared }
        return .other
    }
}
