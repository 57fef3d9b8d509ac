import Dispatch
import Foundation

/// Decodes one piece of journal text — a zstd frame, or a whole file of an older version — on
/// every core: `shared` lines in order on the calling thread (a scope's table only grows, and
/// entry 1 starts a new scope with a table of its own), then every other line of the piece in
/// parallel chunks against the table of its scope, and the results handed over in line order.
///
/// A request line refers only to entries defined before it in its scope, so reading it against
/// the scope's table as it stands at the end of the piece gives exactly what reading line by
/// line gives (`CompactRecordTests`, `JournalTests`).
struct JournalFrameDecoder {
    /// Lines per chunk handed to a core.
    static let chunkLines = 256

    private var scope: JournalLineDecoder

    init(traces: Bool = true) {
        scope = JournalLineDecoder(traces: traces)
    }

    /// A new segment: nothing from the previous one is referred to.
    mutating func startSegment() {
        scope = JournalLineDecoder(traces: scope.traces)
    }

    /// One line's outcome: its event (nil for a shared line) or why it could not be read.
    typealias Outcome = Result<CertMapEvent?, Error>

    /// Decodes the lines of `text` and calls `deliver` with each one's number (counting on from
    /// `lineNumber`), whether it is the last line and unterminated, and its outcome, in order.
    mutating func decode(_ text: UnsafeRawBufferPointer, lineNumber: inout Int, deliver: (Int, Bool, Outcome) throws -> Void) rethrows {
        guard let base = text.baseAddress else { return }
        var lines: [(range: Range<Int>, number: Int, last: Bool)] = []
        var scopes: [JournalLineDecoder] = []
        var sharedOutcomes: [Int: Outcome] = [:]
        var start = 0
        while start < text.count {
            let end = memchr(base + start, 0x0A, text.count - start).map { UnsafeRawPointer($0) - base } ?? text.count
            lineNumber += 1
            if end > start {
                let line = UnsafeRawBufferPointer(rebasing: text[start..<end])
                if JournalLineDecoder.kind(of: line) == .shared {
                    do {
                        let entry = try scope.sharedEntry(line)
                        if entry.id == 1 { scope = JournalLineDecoder(traces: scope.traces) }
                        scope.table.define(entry)
                        sharedOutcomes[lines.count] = .success(nil)
                    } catch {
                        sharedOutcomes[lines.count] = .failure(error)
                    }
                }
                lines.append((start..<end, lineNumber, end == text.count))
                scopes.append(scope)
            }
            start = end + 1
        }
        var outcomes = [Outcome](repeating: .success(nil), count: lines.count)
        let chunks = (lines.count + Self.chunkLines - 1) / Self.chunkLines
        let shared = Set(sharedOutcomes.keys)
        let ranges = lines.map(\.range)
        outcomes.withUnsafeMutableBufferPointer { results in
            // `concurrentPerform` returns when every chunk is done, so the text and the results
            // outlive their use; each chunk writes its own slots only, and the scopes' tables
            // are only read.
            let borrowed = Borrowed(text: text, results: results, scopes: scopes)
            let decodeChunk = { @Sendable (chunk: Int) in
                for index in (chunk * Self.chunkLines)..<min(ranges.count, (chunk + 1) * Self.chunkLines) where !shared.contains(index) {
                    borrowed.results[index] = Result { try borrowed.scopes[index].decode(UnsafeRawBufferPointer(rebasing: borrowed.text[ranges[index]])) }
                }
            }
            if chunks > 1 {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: decodeChunk)
            } else if chunks == 1 {
                decodeChunk(0)
            }
        }
        for (index, line) in lines.enumerated() {
            try deliver(line.number, line.last, sharedOutcomes[index] ?? outcomes[index])
        }
    }

    /// What the chunks share while `concurrentPerform` runs (see `decode`).
    private struct Borrowed: @unchecked Sendable {
        let text: UnsafeRawBufferPointer
        let results: UnsafeMutableBufferPointer<Outcome>
        let scopes: [JournalLineDecoder]
    }
}
