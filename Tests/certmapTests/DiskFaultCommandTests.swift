import CertMapTestSupport
import Foundation
import XCTest

/// The real binary when saving the configuration goes wrong: a clear one-line error and the last
/// good configuration kept; and SIGKILL at any moment of a save never leaves a half-written file.
final class DiskFaultCommandTests: XCTestCase {
    private func config(_ certmap: CertMapProcess) -> URL { certmap.home.appendingPathComponent("config.json") }

    private func addMapping(_ certmap: CertMapProcess, _ number: Int) throws -> CertMapProcess.Result {
        try certmap.run(["mappings", "add", "--name", "fault \(number)", "--account", "alice", "--rule", "O=Fault\(number)"])
    }

    func testSaveThatCannotKeepABackupFailsOnOneLineAndKeepsTheConfiguration() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let before = try Data(contentsOf: config(certmap))
        // Directories in every backup slot make the save fail even as root (unlike a read-only home).
        for number in 1...5 {
            let slot = certmap.home.appendingPathComponent("config.json.\(number)")
            try FileManager.default.createDirectory(at: slot.appendingPathComponent("occupied"), withIntermediateDirectories: true)
        }
        let result = try addMapping(certmap, 1)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "Error: \(config(certmap).path): cannot keep a backup as config.json.1: Is a directory\n")
        XCTAssertEqual(try Data(contentsOf: config(certmap)), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: certmap.home.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testReadOnlyHomeFailsOnOneLineAndKeepsTheConfiguration() throws {
        try XCTSkipIf(geteuid() == 0, "root ignores directory permissions; testSaveThatCannotKeepABackupFailsOnOneLineAndKeepsTheConfiguration covers a failing save")
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        let before = try Data(contentsOf: config(certmap))
        XCTAssertEqual(chmod(certmap.home.path, 0o500), 0)
        defer { chmod(certmap.home.path, 0o700) }
        let result = try addMapping(certmap, 1)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.hasPrefix("Error: \(config(certmap).path): cannot create .config.json."), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(try Data(contentsOf: config(certmap)), before)
    }

    /// `certmap mappings add` again and again, each killed with SIGKILL after a random delay spread
    /// over a whole run: after every kill the file is complete JSON holding either the mappings
    /// before that run or those plus the new one — never anything in between.
    func testKillingSavesAtRandomMomentsLeavesTheOldOrTheNewConfiguration() throws {
        let certmap = try CertMapProcess.withTemporaryHome(self)
        try certmap.run(["pki", "init"])
        try addBulkMappings(certmap, count: 3_000)
        let started = Date()
        XCTAssertEqual(try addMapping(certmap, 0).status, 0)
        let fullRun = max(Date().timeIntervalSince(started), 0.05)

        var generator = SeededGenerator(seed: 0x9)
        var expected = try manyToOneNames(certmap)
        var outcomes = (old: 0, new: 0)
        // The kill window is a multiple of one measured run; on a loaded machine a run takes
        // longer than the one measured, so the window widens until both outcomes have happened
        // (and narrows if no kill lands before a save).
        var scale = 1.3
        for number in 1...40 {
            if number > 5 && outcomes.new == 0 { scale = min(scale * 1.5, 40) }
            if number > 5 && outcomes.old == 0 { scale = max(scale / 1.5, 0.1) }
            let process = Process()
            process.executableURL = CertMapProcess.binary
            process.arguments = ["mappings", "add", "--home", certmap.home.path, "--name", "fault \(number)", "--account", "alice", "--rule", "O=Fault\(number)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0...(fullRun * scale), using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let names = try manyToOneNames(certmap)
            if names == expected {
                outcomes.old += 1
            } else {
                XCTAssertEqual(names, expected + ["fault \(number)"], "run \(number) left neither the old nor the new configuration")
                expected = names
                outcomes.new += 1
            }
        }
        XCTAssertGreaterThan(outcomes.old, 0, "no kill landed before a save: \(outcomes)")
        XCTAssertGreaterThan(outcomes.new, 0, "no run finished its save: \(outcomes)")
        let list = try certmap.run(["mappings", "list"])
        XCTAssertEqual(list.status, 0, "the configuration still loads and validates: \(list.stderr)")
    }

    /// Makes the file large (hundreds of KB), so each save spends long enough writing for kills to land mid-write.
    private func addBulkMappings(_ certmap: CertMapProcess, count: Int) throws {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: config(certmap))) as? [String: Any])
        var mappings = try XCTUnwrap(object["manyToOne"] as? [[String: Any]])
        for number in 0..<count {
            mappings.append(["name": "bulk \(number)", "account": "alice", "rules": [["subfield": "O", "match": "Bulk \(number)"]]])
        }
        object["manyToOne"] = mappings
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: config(certmap))
    }

    /// The many-to-one mapping names in config.json; fails the test when the file is not complete JSON.
    private func manyToOneNames(_ certmap: CertMapProcess) throws -> [String] {
        let data = try Data(contentsOf: config(certmap))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "config.json is not a JSON object")
        let mappings = try XCTUnwrap(object["manyToOne"] as? [[String: Any]])
        return mappings.compactMap { $0["name"] as? String }
    }
}
