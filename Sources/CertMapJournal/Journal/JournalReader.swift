import CertMapCore
import Foundation

/// Reads journal segments back, oldest first — compressed ones and the plain files of older
/// versions — skipping what cannot be decoded (a torn last member or line after a crash, a
/// corrupt line in the middle) with a warning naming file and line, so one bad spot never costs
/// the rest of the journal.
public enum JournalReader {
    /// The events that could be read, with a warning for each spot that was skipped, so a damaged
    /// journal still reads and says where it is damaged.
    public struct Result: Sendable {
        public var events: [CertMapEvent]
        /// `journal-000003.jsonl:1234: skipped a torn or corrupt line (…)`.
        public var warnings: [String]
    }

    /// Reads a journal directory (every `journal-*.jsonl` in order) or a single file.
    public static func read(_ url: URL) throws -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw JournalError.io(file: url.path, detail: "no such journal file or directory")
        }
        let files = isDirectory.boolValue ? JournalSettings.files(in: url).map(\.url) : [url]
        var result = Result(events: [], warnings: [])
        let decoder = EventJSON.decoder()
        for file in files {
            var data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw JournalError.io(file: file.path, detail: "cannot read: \(PeopleText.describe(fileSystem: error))")
            }
            let decoded: (output: Data, complete: Bool)?
            switch JournalSettings.Encoding(file.lastPathComponent) {
            case .zstd: decoded = Zstd.decompress(data)
            case .gzip: decoded = Gzip.decompress(data)
            case .plain, nil: decoded = nil
            }
            if let decoded {
                if !decoded.complete {
                    result.warnings.append("\(file.lastPathComponent): the last block is torn or corrupt (the process probably stopped mid-write); read what came before it")
                }
                data = decoded.output
            }
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where !line.isEmpty {
                do {
                    result.events.append(try decoder.decode(CertMapEvent.self, from: Data(line)))
                } catch {
                    let torn = index == lines.count - 1
                    let what = torn ? "a torn last line (the process probably stopped mid-write)" : "a corrupt line"
                    result.warnings.append("\(file.lastPathComponent):\(index + 1): skipped \(what)")
                }
            }
        }
        return result
    }
}
