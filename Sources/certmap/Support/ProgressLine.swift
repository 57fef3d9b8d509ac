import Foundation

/// A progress line on stderr that rewrites itself (`\r`), only when stderr is a terminal, so
/// scripted runs and captured output stay clean.
struct ProgressLine: Sendable {
    let enabled: Bool

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    /// Ends the line (if anything was shown).
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
