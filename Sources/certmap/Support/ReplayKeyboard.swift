import CertMapJournal
import Dispatch
import Foundation

/// The keys that control a replay from the shell: the console's Sessions-screen keys, plus
/// letters for people who think in words.
enum ReplayKey {
    static let help = "keys: s or enter step · space pause/continue · c continue · p pause · > speed 1×/10×/max · q stop"

    /// A key pressed in raw mode.
    static func instruction(byte: UInt8) -> ReplayInstruction? {
        switch byte {
        case UInt8(ascii: "s"), UInt8(ascii: "."), UInt8(ascii: "\n"), UInt8(ascii: "\r"): return .step
        case UInt8(ascii: " "): return .togglePause
        case UInt8(ascii: "c"): return .resume
        case UInt8(ascii: "p"): return .pause
        case UInt8(ascii: ">"), UInt8(ascii: "+"): return .nextSpeed
        case UInt8(ascii: "q"), UInt8(ascii: "x"): return .stop
        default: return nil
        }
    }

    /// A line typed (or piped) on a stdin that is not a terminal: empty means step, otherwise
    /// its first character (`step`, `continue`, `pause`, `quit` all work).
    static func instruction(line: String) -> ReplayInstruction? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.utf8.first else { return .step }
        return instruction(byte: first)
    }
}

/// Reads replay keys from standard input on a thread of its own and applies them to a control:
/// single keys without echo on a terminal (restored by `finish`; SIGINT stops the replay instead
/// of killing it), lines otherwise — each line read only when the replay waits for one, so a
/// piped script of steps plays deterministically. When input ends, the replay continues to its
/// end, so `--step < /dev/null` never hangs.
final class ReplayKeyboard: @unchecked Sendable {
    private let control: ReplayControl
    private let isTerminal: Bool
    private var saved = termios()
    private var raw = false
    private var interrupt: DispatchSourceSignal?

    init(control: ReplayControl) {
        self.control = control
        self.isTerminal = isatty(STDIN_FILENO) == 1
    }

    func start() {
        if isTerminal, tcgetattr(STDIN_FILENO, &saved) == 0 {
            var settings = saved
            settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
            withUnsafeMutableBytes(of: &settings.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            raw = tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
        }
        let control = self.control
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "certmap.replay.signals"))
        source.setEventHandler { Task { await control.stop() } }
        source.resume()
        interrupt = source
        let isTerminal = raw
        let thread = Thread {
            if isTerminal {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) == 1 {
                    if let instruction = ReplayKey.instruction(byte: byte) { Self.send(instruction, to: control) }
                }
            } else {
                while true {
                    Self.blocking { await control.waitUntilAwaitingInput() }
                    guard let line = readLine() else { break }
                    if let instruction = ReplayKey.instruction(line: line) { Self.send(instruction, to: control) }
                }
            }
            Self.blocking {
                guard await control.playback.isActive else { return }
                FileHandle.standardError.write(Data("certmap: input ended; the replay continues to its end\n".utf8))
                await control.resume()
            }
        }
        thread.name = "certmap-replay-keys"
        thread.start()
    }

    /// Gives the terminal its settings back.
    func finish() {
        if raw { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        raw = false
        interrupt?.cancel()
        signal(SIGINT, SIG_DFL)
    }

    /// Applies keys in the order they were read.
    private static func send(_ instruction: ReplayInstruction, to control: ReplayControl) {
        blocking { await control.perform(instruction) }
    }

    /// Runs `work` and waits for it on this (non-cooperative) thread.
    private static func blocking(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }
}
