import ArgumentParser
import CertMapConsole
import CertMapCore
import CertMapJournal
import Foundation

/// `certmap bench console`: the console under an event flood (docs/design.md §10) — the real host loop,
/// reducer and views rendering at their frame cap into the buffer backend, fed through a real
/// bus subscription at a chosen rate. Reports frame times and what each event costs the process
/// in CPU, against the same publishing with no console subscribed.
struct ConsoleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Console frame times and CPU per event under an event flood (buffer backend)."
    )

    @Option(name: .long, help: "Events published per second.")
    var rate: Int = 20_000

    @Option(name: .long, help: "Seconds per phase (publishing alone, then with the console).")
    var seconds: Double = 10

    @Option(name: .long, help: "Console size, WIDTHxHEIGHT.")
    var size: String = "120x40"

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard rate >= 100 && rate <= 1_000_000 else { throw ValidationError("--rate must be between 100 and 1000000 events/s") }
        guard seconds >= 1 && seconds <= 600 else { throw ValidationError("--seconds must be between 1 and 600") }
        guard terminalSize != nil else { throw ValidationError("--size \"\(size)\": give WIDTHxHEIGHT, e.g. 120x40 (at least 40x10)") }
    }

    /// p50, p99 and max, in milliseconds.
    private static func percentiles(_ durations: [Duration]) -> [Double] {
        let sorted = durations.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        guard !sorted.isEmpty else { return [0, 0, 0] }
        return [sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], sorted[sorted.count - 1]]
    }

    private var terminalSize: TerminalSize? {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 40, parts[1] >= 10, parts[0] <= 1000, parts[1] <= 500 else { return nil }
        return TerminalSize(width: parts[0], height: parts[1])
    }

    func run() async throws {
        let workload = try ConsoleFloodWorkload()
        let phase = Duration.milliseconds(Int(seconds * 1000))

        FileHandle.standardError.write(Data("bench: publishing \(rate) events/s for \(seconds) s with no console …\n".utf8))
        let baselineCPU = ProcessCPU.now()
        let baselineEvents = workload.publish(on: EventBus(), rate: rate, until: .now + phase)
        let baseline = ProcessCPU.now() - baselineCPU

        FileHandle.standardError.write(Data("bench: the same with the console attached (\(size), buffer backend) …\n".utf8))
        let bus = EventBus()
        let terminal = terminalSize ?? TerminalSize(width: 120, height: 40)
        let inbox = ConsoleInbox()
        let subscription = inbox.subscribe(to: bus)
        let turns = LockedState<[ConsoleTurn]>([])
        let consoleCPU = ProcessCPU.now()
        let finished = DispatchSemaphore(value: 0)
        // Frames drawn and the last frame's status bar, handed over from the console's thread.
        let lastFrames = LockedState((count: 0, statusBar: ""))
        let thread = Thread {
            let backend = BufferBackend(width: terminal.width, height: terminal.height, keepsEveryFrame: false)
            let host = ConsoleHost(state: ConsoleState(width: terminal.width, height: terminal.height, now: Date()), backend: backend, driver: IdleDriver(), inbox: inbox)
            host.onTurn = { turn in turns.withLock { $0.append(turn) } }
            _ = host.run(events: nil)
            let statusBar = String(backend.lastFrame?.text.split(separator: "\n").dropLast().last ?? "")
            lastFrames.withLock { $0 = (backend.framesDrawn, statusBar) }
            finished.signal()
        }
        thread.name = "certmap-bench-console"
        thread.start()
        let published = workload.publish(on: bus, rate: rate, until: .now + phase)
        // Let the console drain what is queued before stopping it.
        try await Task.sleep(for: .milliseconds(300))
        inbox.requestStop("bench finished")
        subscription.cancel()
        finished.wait()
        let attached = ProcessCPU.now() - consoleCPU

        let turnLog = turns.withLock { $0 }
        let (frames, statusBar) = lastFrames.withLock { $0 }
        let result = ConsoleBenchResult(
            rate: rate, seconds: seconds, size: size, baselineEvents: baselineEvents, events: published,
            reduced: turnLog.reduce(0) { $0 + $1.actions }, dropped: inbox.droppedCount, frames: frames,
            frameMilliseconds: Self.percentiles(turnLog.compactMap(\.frame)),
            turnMilliseconds: Self.percentiles(turnLog.filter { $0.frame != nil }.map(\.total)),
            baselineCPUMicrosPerEvent: baseline / Double(max(1, baselineEvents)) * 1e6,
            attachedCPUMicrosPerEvent: attached / Double(max(1, published)) * 1e6,
            statusBar: statusBar)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(result.text)
        }
    }
}

/// What `certmap bench console` measured.
struct ConsoleBenchResult: Codable {
    let rate: Int
    let seconds: Double
    let size: String
    let baselineEvents: Int
    let events: Int
    /// Actions the console reduced (events plus its own few answers).
    let reduced: Int
    let dropped: UInt64
    let frames: Int
    /// p50, p99 and max of render + draw per frame.
    let frameMilliseconds: [Double]
    /// p50, p99 and max of a whole turn (reduce the queued events, then render and draw).
    let turnMilliseconds: [Double]
    let baselineCPUMicrosPerEvent: Double
    let attachedCPUMicrosPerEvent: Double
    /// The console's status bar in its last frame (rates, counts, drops as the operator saw them).
    let statusBar: String

    /// CPU the console adds per event: delivery through the bus, the inbox, reducing, its share
    /// of frames.
    var consoleMicrosPerEvent: Double { attachedCPUMicrosPerEvent - baselineCPUMicrosPerEvent }

    var text: String {
        let ms = { (value: Double) in String(format: "%.2f ms", value) }
        var rows = [["", "value"]]
        rows.append(["events published (target \(rate)/s for \(seconds) s)", "\(events) (\(Int(Double(events) / seconds))/s)"])
        rows.append(["reduced by the console / dropped", "\(reduced) / \(dropped)"])
        rows.append(["frames drawn", "\(frames) (\(String(format: "%.1f", Double(frames) / seconds))/s, cap 30)"])
        rows.append(["frame (render + draw) p50 / p99 / max", frameMilliseconds.map(ms).joined(separator: " / ")])
        rows.append(["turn (reduce + frame) p50 / p99 / max", turnMilliseconds.map(ms).joined(separator: " / ")])
        rows.append(["process CPU per event, no console", String(format: "%.2f µs", baselineCPUMicrosPerEvent)])
        rows.append(["process CPU per event, console attached", String(format: "%.2f µs", attachedCPUMicrosPerEvent)])
        rows.append(["console's cost per event", String(format: "%.2f µs (one core keeps up with %.0fk events/s)", consoleMicrosPerEvent, 1000 / max(0.001, consoleMicrosPerEvent))])
        var text = TextTable.render(rows) + "\nlast frame's status bar:" + statusBar
        #if DEBUG
        text += "\nnote: this is a debug build; record numbers from `swift run -c release certmap bench console`"
        #endif
        return text
    }
}

/// The console's driver in the benchmark: nothing to drive.
private struct IdleDriver: ConsoleDriver {
    func perform(_ request: ConsoleRequest) async -> [ConsoleAction] { [] }
}

/// CPU time (user + system) the whole process has used, in seconds.
enum ProcessCPU {
    static func now() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
