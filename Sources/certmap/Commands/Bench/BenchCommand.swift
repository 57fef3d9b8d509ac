import ArgumentParser

/// `certmap bench`: measurements that live apart from `swift test` (docs/design.md §10). Build with
/// `-c release` for numbers worth recording in docs/benchmarks.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure certmap (run with: swift run -c release certmap bench ...).",
        subcommands: [MappingBenchCommand.self, ConsoleBenchCommand.self, EventsBenchCommand.self, JournalBenchCommand.self]
    )
}
