import CertMapJournal
import Foundation

/// What `certmap replay` shows while it runs: with controls (`--step`, or a paced replay on a
/// terminal) each request's `was → now` row as its answer arrives, and the replay's state —
/// rewritten in place on a terminal's stderr, one line per pause / continue / stop / speed
/// change otherwise, so a piped run is still legible.
final class ReplayLiveOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let printsRows: Bool
    private let showsKeys: Bool
    /// The status line rewritten in place, when stderr is a terminal.
    private let statusLine: ProgressLine
    /// Nothing on stderr (a scripted, uncontrolled run).
    private let quiet: Bool
    private var status: ReplayPlayback?
    private var announced: (ReplayPlayback.State, ReplaySpeed)?

    /// - Parameters:
    ///   - printsRows: print each outcome as it arrives (not with `--json`).
    ///   - showsKeys: the keys are live; say which they are.
    init(printsRows: Bool, showsKeys: Bool, quiet: Bool) {
        self.printsRows = printsRows
        self.showsKeys = showsKeys
        self.quiet = quiet
        self.statusLine = ProgressLine(enabled: !quiet && isatty(STDERR_FILENO) == 1)
    }

    func start(requests: Int, how: String) {
        guard printsRows else { return }
        write(stdout: ReplayText.liveHeader(how: how, requests: requests))
    }

    func show(_ outcome: ReplayOutcome) {
        guard printsRows else { return }
        write(stdout: ReplayText.liveRow(outcome))
    }

    func show(_ playback: ReplayPlayback) {
        guard !quiet else { return }
        lock.withLock {
            status = playback
            if statusLine.enabled {
                statusLine.show(text(of: playback))
            } else if announced.map({ $0 != (playback.state, playback.speed) }) ?? true, playback.state != .finished {
                announced = (playback.state, playback.speed)
                FileHandle.standardError.write(Data("replay: \(text(of: playback))\n".utf8))
            }
        }
    }

    /// Ends the status line.
    func finish() {
        lock.withLock {
            if status != nil { statusLine.show("") }
            status = nil
        }
    }

    private func text(of playback: ReplayPlayback) -> String {
        playback.line + (showsKeys && playback.isActive ? "  (\(ReplayKey.help))" : "")
    }

    /// Prints a line on stdout without tearing the status line on a shared terminal.
    private func write(stdout line: String) {
        lock.withLock {
            if status != nil { statusLine.show("") }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            if let status { statusLine.show(text(of: status)) }
        }
    }
}
