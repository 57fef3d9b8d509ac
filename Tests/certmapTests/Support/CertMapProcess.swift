import Foundation
import XCTest

/// Runs the real `certmap` binary (built by `swift test` next to the test bundle) in a
/// throw-away data directory, the way an operator would.
struct CertMapProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    let home: URL

    static var binary: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("certmap")
        }
        fatalError("no .xctest bundle found")
        #else
        return Bundle.main.bundleURL.appendingPathComponent("certmap")
        #endif
    }

    /// A fresh, empty data directory that is removed when the test ends.
    static func withTemporaryHome(_ testCase: XCTestCase) throws -> CertMapProcess {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("certmap-cli-\(UUID().uuidString)")
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: home) }
        return CertMapProcess(home: home)
    }

    var pki: URL { home.appendingPathComponent("pki") }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Result {
        try Self.execute(Self.binary, ["--home", home.path].reorderedAfterSubcommand(arguments), environment: environment, input: input)
    }

    /// Runs any executable and captures its output; `input` is its standard input (none otherwise).
    static func execute(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `/usr/bin/openssl`, failing the test clearly when it is missing (CI installs it).
    static func openssl(_ arguments: [String]) throws -> Result {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
            throw CertMapProcessError("openssl is not installed at /usr/bin/openssl: apt-get install openssl (.ci/run installs it)")
        }
        return try execute(openssl, arguments)
    }
}

extension Array where Element == String {
    /// `--home X` must follow the subcommand path (`mappings add --home X ...`), so move the
    /// first two elements after the leading words that are not options.
    fileprivate func reorderedAfterSubcommand(_ arguments: [String]) -> [String] {
        let words = arguments.prefix { !$0.hasPrefix("-") && ["console", "explain", "doctor", "mappings", "pki", "serve", "scenario", "run", "diagnose", "replay", "export", "har", "import", "iis", "log", "logformat", "sessions", "save", "delete", "list", "add", "remove", "test", "init", "issue"].contains($0) }
        return Array(words) + self + Array(arguments.dropFirst(words.count))
    }
}

struct CertMapProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
