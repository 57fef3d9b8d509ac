import CertMapCore
import CertMapProxy
import Foundation
import XCTest

/// Scenario files: small files are valid, mistakes are named by file and field.
final class ScenarioDefinitionTests: XCTestCase {
    private var home: DataHome!
    private var catalog: ScenarioCatalog!

    override func setUpWithError() throws {
        home = DataHome(url: FileManager.default.temporaryDirectory.appendingPathComponent("certmap-scenarios-\(UUID().uuidString)"))
        catalog = ScenarioCatalog(home: home)
        try FileManager.default.createDirectory(at: catalog.directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: catalog.pki, withIntermediateDirectories: true)
        for file in ["alice.crt", "alice.key"] { _ = FileManager.default.createFile(atPath: catalog.pki.appendingPathComponent(file).path, contents: Data()) }
        let url = home.url
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    }

    private func write(_ name: String, _ json: String) -> URL {
        let file = catalog.directory.appendingPathComponent("\(name).json")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(json.utf8))
        return file
    }

    private func loadError(_ name: String, _ json: String) -> String {
        let file = write(name, json)
        do {
            _ = try catalog.load(file)
            return "loaded"
        } catch {
            return "\(error)".replacingOccurrences(of: file.path, with: "FILE")
        }
    }

    func testASmallFileGetsTheDefaults() throws {
        let file = write("tiny", #"{"name": "tiny", "summary": "alice twice", "groups": [{"identity": "alice", "route": "direct", "paths": ["/", "/a"], "requestsPerConnection": 5}]}"#)
        let scenario = try catalog.load(file)
        XCTAssertEqual(scenario.groups[0].identities, ["alice"])
        XCTAssertEqual(scenario.groups[0].connections, 1)
        XCTAssertEqual(scenario.groups[0].method, "GET")
        XCTAssertEqual(scenario.groups[0].requestPaths, ["/", "/a", "/", "/a", "/"])
        XCTAssertEqual(scenario.concurrency, 4)
        XCTAssertEqual(scenario.maxRequests, 1_000)
        XCTAssertNil(scenario.mode)
    }

    func testEveryBuiltInSurvivesAJSONRoundTrip() throws {
        for scenario in BuiltinScenarios.all {
            let decoded = try JSONDecoder().decode(ScenarioDefinition.self, from: JSONEncoder().encode(scenario))
            XCTAssertEqual(decoded, scenario, scenario.name)
            XCTAssertEqual(scenario.problems(), [], scenario.name)
        }
    }

    func testMistakesAreNamedByFileAndField() {
        let group = #"{"identity": "alice", "route": "direct", "paths": ["/"]}"#
        let unknown = loadError("a", #"{"name": "a", "summary": "s", "groups": [\#(group)], "concurency": 2}"#)
        XCTAssertTrue(unknown.hasPrefix(#"FILE: concurency: unknown field "concurency"; expected one of name, summary"#), unknown)
        XCTAssertEqual(loadError("b", #"{"name": "b", "summary": "s", "groups": [{"identity": "alice", "route": "sideways", "paths": ["/"]}]}"#),
                       #"FILE: groups[0].route: unknown "sideways"; expected one of direct, forward, reverse"#)
        XCTAssertEqual(loadError("c", #"{"name": "c", "summary": "s", "groups": [{"route": "direct", "paths": ["/"]}]}"#), "FILE: groups[0].identities: missing")
        XCTAssertEqual(loadError("d", #"{"name": "d", "summary": "s", "groups": [\#(group)], "maxRequests": "many"}"#), "FILE: maxRequests: expected a whole number")
        XCTAssertEqual(loadError("e", #"{"name": "e", "summary": "s", "groups": [\#(group)], "mode": "iis3"}"#),
                       #"FILE: mode: unknown "iis3"; expected one of per-request, legacy-iis4, per-connection"#)
        XCTAssertEqual(loadError("f", #"{"name": "f", "summary": "s", "groups": [{"identities": ["alice", "zoe"], "route": "direct", "paths": ["/"]}]}"#),
                       #"FILE: groups[0].identities: no certificate and key for "zoe" in the PKI directory (certmap pki issue zoe --subject ...)"#)
        XCTAssertEqual(loadError("g", #"{"name": "g", "summary": "s", "groups": [\#(group)], "concurrency": 0}"#), "FILE: concurrency: must be between 1 and 256")
        XCTAssertEqual(loadError("h", #"{"name": "other", "summary": "s", "groups": [\#(group)]}"#), #"FILE: name: "other" must match the file name (h)"#)
        XCTAssertTrue(loadError("i", #"{"name": "i", "#).hasPrefix("FILE: not valid JSON"), loadError("i", #"{"name": "i", "#))
    }

    func testGroupProblemsCarryTheirIndex() {
        let scenario = ScenarioDefinition(name: "x", summary: "x", shows: "", groups: [
            ScenarioClientGroup(identities: ["alice"], route: .direct, paths: ["/"]),
            ScenarioClientGroup(identities: ["load"], route: .reverse, requestsPerConnection: 0, method: "get", paths: ["no-slash"], headers: ["X-Evil": "a\r\nInjected: 1"]),
        ])
        XCTAssertEqual(scenario.problems(), [
            "groups[1].identities: \"load\" needs loadUsers > 0",
            "groups[1].paths: paths start with / and contain no spaces",
            "groups[1].requestsPerConnection: must be between 1 and 10000",
            "groups[1].method: an HTTP method in capitals (GET, POST, ...)",
            "groups[1].headers.X-Evil: not a valid header line",
        ])
    }

    func testBrokenFilesAreListedAsProblemsNotDropped() {
        _ = write("broken", #"{"name": "broken"}"#)
        let (scenarios, problems) = catalog.all()
        XCTAssertEqual(scenarios.map(\.name), BuiltinScenarios.all.map(\.name))
        XCTAssertEqual(problems.map { $0.replacingOccurrences(of: catalog.directory.path, with: "DIR") }, ["DIR/broken.json: summary: missing"])
    }
}
