import ArgumentParser
import CertMapCore
import Crypto
import Foundation
import X509

/// `certmap bench mapping`: decision latency with a large compiled index (docs/design.md §4: 100k
/// one-to-one and 10k many-to-one mappings), reported as median and p99 per decision.
struct MappingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract: "Decision latency at 1k…100k one-to-one and 1k…10k many-to-one mappings (with wildcards)."
    )

    @Option(name: .long, help: "Decisions measured per size (at least 1000).")
    var decisions: Int = 200_000

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard decisions >= 1_000 else { throw ValidationError("--decisions must be at least 1000") }
    }

    func run() async throws {
        let workload = try MappingBenchWorkload()
        let sizes = [(1_000, 1_000), (10_000, 1_000), (100_000, 1_000), (100_000, 10_000)]
        var results: [MappingBenchResult] = []
        for (oneToOne, manyToOne) in sizes {
            FileHandle.standardError.write(Data("bench: \(oneToOne) one-to-one + \(manyToOne) many-to-one …\n".utf8))
            results.append(workload.measure(oneToOne: oneToOne, manyToOne: manyToOne, decisions: decisions))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            var rows = [["one-to-one", "many-to-one", "build", "median", "p99", "max", "decisions/s"]]
            for result in results {
                rows.append([
                    "\(result.oneToOne)", "\(result.manyToOne)", String(format: "%.0f ms", result.buildMilliseconds),
                    String(format: "%.2f µs", result.medianMicroseconds), String(format: "%.2f µs", result.p99Microseconds),
                    String(format: "%.1f µs", result.maxMicroseconds), String(format: "%.0f", result.decisionsPerSecond),
                ])
            }
            print(TextTable.render(rows))
            print("")
            var kinds = [["one-to-one", "many-to-one"] + MappingBenchWorkload.certificateKinds + [MappingBenchWorkload.firstRefusal]]
            for result in results {
                kinds.append(
                    ["\(result.oneToOne)", "\(result.manyToOne)"]
                        + (MappingBenchWorkload.certificateKinds + [MappingBenchWorkload.firstRefusal]).map { String(format: "%.2f µs", result.medianByCertificate[$0] ?? 0) }
                )
            }
            print("median by certificate:")
            print(TextTable.render(kinds))
            #if DEBUG
            print("note: this is a debug build; record numbers from `swift run -c release certmap bench mapping`")
            #endif
        }
    }
}

/// One row of the mapping benchmark.
struct MappingBenchResult: Codable {
    let oneToOne: Int
    let manyToOne: Int
    let buildMilliseconds: Double
    let medianMicroseconds: Double
    let p99Microseconds: Double
    let maxMicroseconds: Double
    let decisionsPerSecond: Double
    /// Median per certificate kind (`MappingBenchWorkload.certificateKinds`): the overall median
    /// hides that a certificate no mapping matches is the slowest case.
    let medianByCertificate: [String: Double]
}
