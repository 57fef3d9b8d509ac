import Foundation
import XCTest

@testable import CertMapCore

/// Two writers edited the same configuration: their edits merge mapping by mapping, and a
/// mapping (or section) both changed differently is a conflict that names it.
final class ConfigMergeTests: XCTestCase {
    private var base: ConfigDocument!

    override func setUpWithError() throws {
        base = ConfigFixtures.document(alice: try TestCertificates.person("alice"))
        base.manyToOne.append(ManyToOneEntry(name: "Contoso engineering", account: "alice", rules: [RuleEntry(subfield: .organizationalUnit, match: "Engineering")]))
    }

    private func manyToOne(_ name: String, account: String = "sales") -> ManyToOneEntry {
        ManyToOneEntry(name: name, account: account, rules: [RuleEntry(subfield: .organization, match: name)])
    }

    private func merged(_ mine: ConfigDocument, _ theirs: ConfigDocument, file: StaticString = #filePath, line: UInt = #line) throws -> ConfigDocument {
        switch ConfigMerge.merge(base: base, mine: mine, theirs: theirs) {
        case .success(let document): return document
        case .failure(let conflict):
            XCTFail("unexpected conflict: \(conflict)", file: file, line: line)
            throw conflict
        }
    }

    private func conflict(_ mine: ConfigDocument, _ theirs: ConfigDocument) -> ConfigMerge.Conflict? {
        if case .failure(let conflict) = ConfigMerge.merge(base: base, mine: mine, theirs: theirs) { return conflict }
        return nil
    }

    func testEditsOfDifferentMappingsAreBothKept() throws {
        var mine = base!
        mine.manyToOne[0].enabled = false
        var theirs = base!
        theirs.manyToOne.append(manyToOne("Fabrikam"))
        theirs.oneToOne.removeAll()
        let result = try merged(mine, theirs)
        XCTAssertEqual(result.manyToOne.map(\.name), ["Contoso sales", "Contoso engineering", "Fabrikam"])
        XCTAssertFalse(result.manyToOne[0].enabled, "mine")
        XCTAssertTrue(result.oneToOne.isEmpty, "theirs")
    }

    func testAnAdditionKeepsItsPlaceAmongManyToOneMappingsBecauseOrderDecides() throws {
        var mine = base!
        mine.manyToOne.insert(manyToOne("Deny contractors"), at: 1)
        var theirs = base!
        theirs.manyToOne.append(manyToOne("Fabrikam"))
        XCTAssertEqual(try merged(mine, theirs).manyToOne.map(\.name), ["Contoso sales", "Deny contractors", "Contoso engineering", "Fabrikam"])
    }

    func testOneSidesReorderingIsKeptWithTheOthersEdits() throws {
        var mine = base!
        mine.manyToOne.reverse()
        var theirs = base!
        theirs.manyToOne[0].description = "edited elsewhere"
        theirs.manyToOne.append(manyToOne("Fabrikam"))
        let result = try merged(mine, theirs)
        XCTAssertEqual(result.manyToOne.map(\.name), ["Contoso engineering", "Contoso sales", "Fabrikam"])
        XCTAssertEqual(result.manyToOne[1].description, "edited elsewhere")
    }

    func testTheSameMappingChangedDifferentlyOnBothSidesIsAConflictNamingIt() {
        var mine = base!
        mine.manyToOne[0].account = "alice"
        var theirs = base!
        theirs.manyToOne.remove(at: 0)
        XCTAssertEqual(conflict(mine, theirs)?.items, ["many-to-one \"Contoso sales\""])
        XCTAssertEqual(conflict(mine, theirs)?.description, "both changed many-to-one \"Contoso sales\"")
    }

    func testBothReorderingDifferentlyAndBothChangingAccountsAreConflicts() {
        base.manyToOne.append(manyToOne("Contoso ops"))
        var mine = base!
        mine.manyToOne.reverse()
        mine.accounts.append(AccountEntry(name: "mine"))
        var theirs = base!
        theirs.manyToOne.swapAt(0, 1)
        theirs.accounts.append(AccountEntry(name: "theirs"))
        XCTAssertEqual(conflict(mine, theirs)?.items, ["accounts", "the order of the many-to-one mappings"])
    }

    func testTheSameChangeOnBothSidesIsNoConflict() throws {
        var mine = base!
        mine.manyToOne.append(manyToOne("Fabrikam"))
        mine.accounts.append(AccountEntry(name: "new"))
        let result = try merged(mine, mine)
        XCTAssertEqual(result, mine)
    }

    func testChangesAreListedPerMappingAndSection() {
        var other = base!
        other.manyToOne.append(manyToOne("Fabrikam"))
        other.manyToOne[0].enabled = false
        other.oneToOne.removeAll()
        other.server.limits.maxConnections = 10
        XCTAssertEqual(ConfigMerge.changes(from: base, to: other), [
            "removed one-to-one \"alice laptop\"", "added many-to-one \"Fabrikam\"", "changed many-to-one \"Contoso sales\"", "changed server settings",
        ])
        XCTAssertEqual(ConfigMerge.changes(from: base, to: base), [])
    }
}
