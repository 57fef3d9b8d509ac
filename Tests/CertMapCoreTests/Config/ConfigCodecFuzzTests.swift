import CertMapTestSupport
import Foundation
import XCTest

@testable import CertMapCore

/// Property tests for the configuration loader: thousands of mutations of a valid document, from
/// seeded generators. Every outcome is a valid document or a `ConfigError` that names the file —
/// never a crash, never another error type, never a document that fails validation.
final class ConfigCodecFuzzTests: XCTestCase {
    private static let iterations = 1500
    private var valid: Data!
    private var alice: CertificateIdentity!

    override func setUpWithError() throws {
        alice = try TestCertificates.person("alice")
        valid = try ConfigCodec.encode(ConfigFixtures.document(alice: alice))
    }

    /// Decodes `data` and checks the property; returns whether it loaded.
    @discardableResult
    private func assertLoadsOrFailsClearly(_ data: Data, _ what: @autoclosure () -> String) -> Bool {
        do {
            let document = try ConfigCodec.decode(data, file: "config.json")
            XCTAssertEqual(ConfigValidator.validate(document), [], what())
            XCTAssertEqual(try ConfigCodec.decode(ConfigCodec.encode(document), file: "config.json"), document, "a loaded document round-trips: \(what())")
            return true
        } catch let error as ConfigError {
            let lines = error.description.split(separator: "\n")
            XCTAssertFalse(lines.isEmpty, what())
            for line in lines {
                XCTAssertTrue(line.hasPrefix("config.json: "), "\(line) — \(what())")
                XCTAssertGreaterThan(line.count, "config.json: ".count + 5, what())
            }
            if case .schema(_, let issue) = error, !issue.message.hasPrefix("unknown field") {
                XCTAssertFalse(issue.message.isEmpty, what())
            }
            return false
        } catch {
            XCTFail("not a ConfigError: \(type(of: error)) \(error) — \(what())")
            return false
        }
    }

    func testTruncationsAtEveryLengthFailWithASyntaxError() {
        var loaded = 0
        // Only the trailing newline can go without losing a byte of JSON.
        let whole = valid.count - (valid.last == 0x0A ? 1 : 0)
        for length in stride(from: 0, to: whole, by: 7) {
            if assertLoadsOrFailsClearly(valid.prefix(length), "truncated to \(length) bytes") { loaded += 1 }
        }
        XCTAssertEqual(loaded, 0, "a truncated document never loads")
    }

    func testRandomByteEditsLoadOrFailClearly() {
        var generator = SeededGenerator(seed: 0xC0DEC)
        let punctuation = Array(#"{}[]:,"\ 0123456789.-eEtruefalsn"#.utf8) + [0x00, 0xFF, 0xC3, 0x0A]
        var failures = 0
        for iteration in 0..<Self.iterations {
            var bytes = [UInt8](valid)
            bytes.randomlyEdit(1...4, from: punctuation, using: &generator)
            if !assertLoadsOrFailsClearly(Data(bytes), "byte edit iteration \(iteration)") { failures += 1 }
        }
        XCTAssertGreaterThan(failures, Self.iterations / 2)
    }

    func testTypeSwapsUnknownFieldsAndDeletionsAreSchemaOrValidationErrors() throws {
        var generator = SeededGenerator(seed: 0x7E5)
        let replacements: [Any] = ["x", "", 42, -1, 1.5, 1e308, true, false, NSNull(), [Any](), [String: Any](), ["nested": [1, 2]]]
        var outcomes = (loaded: 0, failed: 0)
        for iteration in 0..<Self.iterations {
            var object = try JSONSerialization.jsonObject(with: valid)
            let description = JSONMutation.mutate(&object, using: &generator, replacements: replacements)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])
            if assertLoadsOrFailsClearly(data, "iteration \(iteration): \(description)") { outcomes.loaded += 1 } else { outcomes.failed += 1 }
        }
        XCTAssertGreaterThan(outcomes.failed, Self.iterations / 2, "\(outcomes)")
    }

    func testUnknownFieldAnywhereIsNamedWithItsPath() throws {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: valid) as? [String: Any])
        var rules = try XCTUnwrap((object["manyToOne"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]])
        rules[1]["subfeild"] = "O"
        var mapping = try XCTUnwrap((object["manyToOne"] as? [[String: Any]])?.first)
        mapping["rules"] = rules
        object["manyToOne"] = [mapping]
        XCTAssertThrowsError(try ConfigCodec.decode(JSONSerialization.data(withJSONObject: object), file: "config.json")) { error in
            guard case .schema(_, let issue)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(issue.path, "manyToOne[0].rules[1].subfeild")
        }
    }

    /// Found by `testRandomByteEditsLoadOrFailClearly`: a newline typed into a key made a two-line error.
    func testFieldNameWithANewlineIsReportedOnOneLine() {
        let json = "{\"version\": 1, \"acco\\nunts\": []}"
        XCTAssertThrowsError(try ConfigCodec.decode(Data(json.utf8), file: "config.json")) { error in
            XCTAssertEqual("\(error)", #"config.json: acco\nunts: unknown field "acco\nunts"; expected one of version, mapping, trust, accounts, oneToOne, manyToOne, resources, server, journal"#)
        }
    }

    func testDeeplyNestedValuesFailWithoutExhaustingTheStack() {
        for depth in [64, 600, 5_000, 100_000] {
            for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
                let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
                let json = #"{"version": 1, "accounts": "# + nested + "}"
                XCTAssertFalse(assertLoadsOrFailsClearly(Data(json.utf8), "\(open) nested \(depth) deep"))
            }
        }
    }
}

/// Random structural edits of a decoded JSON value, for the loader's property tests.
enum JSONMutation {
    /// Applies one edit at a random place and says what it did.
    static func mutate(_ value: inout Any, using generator: inout SeededGenerator, replacements: [Any], path: String = "") -> String {
        let descend = Bool.random(using: &generator)
        if var object = value as? [String: Any], !object.isEmpty {
            let key = object.keys.sorted().randomElement(using: &generator)!
            if descend, var child = object[key], child is [String: Any] || child is [Any] {
                let what = mutate(&child, using: &generator, replacements: replacements, path: "\(path).\(key)")
                object[key] = child
                value = object
                return what
            }
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                let replacement = replacements.randomElement(using: &generator)!
                object[key] = replacement
                value = object
                return "\(path).\(key) = \(replacement)"
            case 1:
                object.removeValue(forKey: key)
                value = object
                return "removed \(path).\(key)"
            default:
                object["unexpected\(Int.random(in: 0..<3, using: &generator))"] = replacements.randomElement(using: &generator)!
                value = object
                return "unknown field in \(path)"
            }
        }
        if var array = value as? [Any], !array.isEmpty {
            let index = Int.random(in: 0..<array.count, using: &generator)
            if descend, array[index] is [String: Any] || array[index] is [Any] {
                var child = array[index]
                let what = mutate(&child, using: &generator, replacements: replacements, path: "\(path)[\(index)]")
                array[index] = child
                value = array
                return what
            }
            if Bool.random(using: &generator) {
                array.append(array[index])
                value = array
                return "duplicated \(path)[\(index)]"
            }
            let replacement = replacements.randomElement(using: &generator)!
            array[index] = replacement
            value = array
            return "\(path)[\(index)] = \(replacement)"
        }
        value = replacements.randomElement(using: &generator)!
        return "\(path) replaced"
    }
}
