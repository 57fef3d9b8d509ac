import ArgumentParser
import CertMapCore
import CertMapJournal
import CertMapProxy
import CertMapServer
import Foundation

/// `certmap scenario list|run`: the proxy failures on demand, with a verdict.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "List or run traffic scenarios (q190009, pooled-proxy, header-spoofing, ...).",
        subcommands: [ScenarioListCommand.self, ScenarioRunCommand.self],
        defaultSubcommand: ScenarioListCommand.self
    )
}

struct ScenarioListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the built-in scenarios and those in <home>/scenarios.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        let (scenarios, problems) = ScenarioCatalog(home: homeOptions.dataHome).all()
        var rows = [["name", "mode", "what it does", "what it shows"]]
        for scenario in scenarios {
            rows.append([scenario.name, scenario.mode?.rawValue ?? "-", scenario.summary, scenario.shows])
        }
        print(TextTable.render(rows))
        problems.forEach { FileHandle.standardError.write(Data("certmap: \($0)\n".utf8)) }
    }
}

struct ScenarioRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario against an in-process server and proxies, print its outcome; exit 1 if any request was misattributed.",
        discussion: """
            Everything runs on loopback ports chosen by the system; events are recorded in <home>/journal like \
            certmap serve's. Exits 1 when any response carried an account other than the one the client's own \
            certificate maps to, or when a forged forwarded-certificate header was believed (header-spoofing).
            """
    )

    @OptionGroup var homeOptions: HomeOptions
    @Argument(help: "Scenario name (certmap scenario list).") var name: String
    @Option(name: .long, help: "Authentication persistence: per-request, legacy-iis4 or per-connection (default: the scenario's).") var mode: AuthPersistencePreset?
    @Option(name: .long, help: "Reverse proxy upstream connections (default: the scenario's, else 4).") var poolSize: Int?
    @Option(name: .long, help: "Upstream reuse: never, safe or always (default: the scenario's, else safe).") var reuse: UpstreamReusePolicy?
    @Option(name: .long, help: "Stop after this many requests (default: the scenario's bound).") var requests: Int?
    @Option(name: .long, help: "Stop after this many seconds (default: the scenario's bound).") var duration: Double?
    @Option(name: .long, help: "Start at most this many requests per second (default: the scenario's, else unpaced).") var rate: Double?
    @Option(name: .long, help: "Plans (connections) run at once (default: the scenario's).") var concurrency: Int?
    @Flag(name: .long, help: "Print the report as JSON.") var json = false
    @Flag(name: .long, help: "Do not record events in <home>/journal.") var noJournal = false

    func run() async throws {
        let home = try homeOptions.preparedHome()
        var scenario: ScenarioDefinition
        do { scenario = try ScenarioCatalog(home: home).named(name) } catch let error as ScenarioError { throw CommandFailure(error.description) }
        if let requests {
            scenario.maxRequests = requests
            scenario.repeatsPlan = true
        }
        if let duration { scenario.maxDurationSeconds = duration }
        if let rate { scenario.ratePerSecond = rate }
        if let concurrency { scenario.concurrency = concurrency }
        if let problem = scenario.problems().first { throw CommandFailure("scenario \(name): \(problem) (after --requests/--duration/--rate/--concurrency)") }
        let preset = mode ?? scenario.mode ?? .perRequest

        let stack = try await InProcessStack.startOnLoopback(home: home, mode: preset, poolSize: poolSize ?? scenario.poolSize ?? 4, reuse: reuse ?? scenario.reuse ?? .safe, recordJournal: !noJournal)
        let report: ScenarioReport
        do {
            let runner = try ScenarioEnvironment.runner(for: scenario, service: stack.service, server: stack.server.boundAddress, proxies: try stack.requireProxies(), group: stack.group)
            let progressLine = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
            report = try await runner.run(scenario, mode: preset.rawValue, events: stack.events) { progressLine.show($0.line) }
            progressLine.finish()
        } catch let error as ScenarioError {
            await stack.stop()
            throw CommandFailure(error.description)
        } catch {
            await stack.stop()
            throw CommandFailure("scenario \(name): \(error)")
        }
        await stack.stop()

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if let verdict = report.verdict {
            FileHandle.standardError.write(Data("certmap: scenario \(name) under \(preset.rawValue): \(verdict)\n".utf8))
            throw ExitCode.failure
        }
    }
}
