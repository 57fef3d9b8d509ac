import CertMapTestSupport
import Foundation
import XCTest

@testable import CertMapCore

/// Property tests for the IIS importer: mutations of a realistic `applicationHost.config`, from
/// seeded generators. Every outcome is a one-line error, or a result whose mappings are sound
/// (real certificates, at least one rule, an account for every allow) and which merges into an
/// empty configuration that validates — and no outcome ever contains a password.
final class IISImportFuzzTests: XCTestCase {
    private static let iterations = 800
    private var fixtures: IISFixtures!
    private var original: [UInt8]!

    override func setUpWithError() throws {
        fixtures = try IISFixtures()
        original = Array(fixtures.applicationHostConfig.utf8)
    }

    @discardableResult
    private func assertImportsSoundlyOrFailsOnOneLine(_ bytes: [UInt8], _ what: @autoclosure () -> String) -> Bool {
        let result: IISImportResult
        do {
            result = try IISConfigurationReader.read(Data(bytes), source: "applicationHost.config")
        } catch let error as XMLTreeError {
            XCTAssertFalse("\(error)".contains("\n"), "\(error) — \(what())")
            XCTAssertTrue("\(error)".hasPrefix("applicationHost.config: not well-formed XML"), what())
            return false
        } catch let error as IISImportError {
            XCTAssertEqual(error, .nothingToImport(source: "applicationHost.config"), what())
            return false
        } catch {
            XCTFail("unexpected \(type(of: error)): \(error) — \(what())")
            return false
        }
        for entry in result.oneToOne {
            let der = Data(base64Encoded: entry.certificate ?? "").map(Array.init) ?? []
            XCTAssertEqual((try? CertificateIdentity(derEncoded: der))?.sha256.colonHex, entry.sha256, what())
            XCTAssertFalse(entry.account.trimmingSpaces.isEmpty, what())
        }
        for entry in result.manyToOne {
            XCTAssertFalse(entry.rules.isEmpty, what())
            XCTAssertTrue(entry.permission == .deny || entry.account != nil, what())
        }
        let everything = String(describing: result)
        XCTAssertFalse(everything.contains(IISFixtures.salesPassword) || everything.contains("IISCngProvider"), "a password leaked — \(what())")
        let merged = IISImportMerge.apply(result, to: ConfigDocument(), mode: .replace).document
        XCTAssertEqual(ConfigValidator.validate(merged), [], what())
        return true
    }

    func testTruncationsFailOnOneLine() {
        var imported = 0
        for length in stride(from: 0, to: original.count, by: 11) {
            if assertImportsSoundlyOrFailsOnOneLine(Array(original.prefix(length)), "truncated to \(length) bytes") { imported += 1 }
        }
        XCTAssertEqual(imported, 0, "a cut-off document is not well-formed")
    }

    func testRandomEditsWithXMLSyntaxImportSoundlyOrFail() {
        var generator = SeededGenerator(seed: 0x115)
        let syntax = Array(#"<>/="'&;!?-[] abxX0"#.utf8) + [0x00, 0x0A, 0xC3, 0xFF]
        var outcomes = (imported: 0, failed: 0)
        for iteration in 0..<Self.iterations {
            var bytes = original!
            bytes.randomlyEdit(1...3, from: syntax, using: &generator)
            if assertImportsSoundlyOrFailsOnOneLine(bytes, "edit iteration \(iteration)") { outcomes.imported += 1 } else { outcomes.failed += 1 }
        }
        XCTAssertGreaterThan(outcomes.imported, 0, "\(outcomes)")
        XCTAssertGreaterThan(outcomes.failed, 0, "\(outcomes)")
    }

    /// Well-formed but wrong: attribute values swapped between attributes, so certificates land in
    /// names, flags in certificates and criteria in booleans. Everything still imports soundly.
    func testShuffledAttributeValuesImportSoundly() throws {
        var generator = SeededGenerator(seed: 0x5A7)
        let root = try XMLTreeParser.parse(Data(original), source: "applicationHost.config")
        let values = Self.attributeValues(root) + ["", " ", "True", "FALSE", "Deny", "Ssl,Bogus", "64", "*", "\u{0}"]
        for iteration in 0..<Self.iterations {
            let mutated = Self.shuffle(root, values: values, using: &generator)
            let result = IISConfigurationReader.read(mutated)
            let merged = IISImportMerge.apply(result, to: ConfigDocument(), mode: .replace).document
            XCTAssertEqual(ConfigValidator.validate(merged), [], "iteration \(iteration)")
            XCTAssertTrue(result.manyToOne.allSatisfy { !$0.rules.isEmpty }, "iteration \(iteration)")
        }
    }

    func testRandomBytesFailOnOneLine() {
        var generator = SeededGenerator(seed: 0xB7735)
        for iteration in 0..<Self.iterations {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertFalse(assertImportsSoundlyOrFailsOnOneLine(bytes, "random bytes \(iteration)"))
        }
    }

    func testDeepNestingIsRefusedWithoutExhaustingTheStack() {
        for depth in [100, 129, 10_000, 200_000] {
            let xml = String(repeating: "<location>", count: depth) + String(repeating: "</location>", count: depth)
            XCTAssertFalse(assertImportsSoundlyOrFailsOnOneLine(Array(xml.utf8), "nested \(depth) deep"))
        }
    }

    private static func attributeValues(_ element: XMLTreeElement) -> [String] {
        element.attributes.keys.sorted().map { element.attributes[$0]! } + element.children.flatMap(attributeValues)
    }

    private static func shuffle(_ element: XMLTreeElement, values: [String], using generator: inout SeededGenerator) -> XMLTreeElement {
        var copy = element
        for key in copy.attributes.keys.sorted() where Int.random(in: 0..<4, using: &generator) == 0 {
            copy.attributes[key] = values.randomElement(using: &generator)!
        }
        copy.children = copy.children.map { shuffle($0, values: values, using: &generator) }
        return copy
    }
}
