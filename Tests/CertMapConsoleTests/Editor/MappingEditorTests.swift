import CertMapConsole
import CertMapCore
import XCTest

/// Key sequences on the Mappings screen: edit, validate inline, dry run, save, undo, discard.
final class MappingEditorTests: XCTestCase {
    private typealias F = ConsoleFixtures

    private func mappingsScreen() -> ConsoleState {
        var state = F.state(width: 120, height: 40)
        ConsoleReducer.apply(.configurationLoaded(F.configuration), to: &state)
        F.press([.character("3")], on: &state)
        return state
    }

    func testEditingARuleThenSavingAsksFirstAndSendsTheEditedDocument() {
        var state = mappingsScreen()
        // Select "employees" (one-to-one alice laptop, then contractors, finance staff, employees).
        F.press([.character("j"), .character("j"), .character("j"), .character("e")], on: &state)
        XCTAssertEqual(state.mappingForm?.title, "Edit many-to-one mapping")
        F.press([.tab, .tab, .tab, .tab, .control("u")] + F.type("O=Contoso; OU=Engineering") + [.enter], on: &state)
        XCTAssertNil(state.mappingForm)
        XCTAssertEqual(state.draft?.isDirty, true)
        XCTAssertEqual(state.draft?.document.manyToOne[2].rules.count, 2)
        XCTAssertEqual(state.configuration, F.configuration, "nothing reaches the server before saving")

        XCTAssertEqual(F.press([.character("D")], on: &state), [.dryRunMappings(state.draft!.document)])
        XCTAssertEqual(F.press([.character("w")], on: &state), [])
        XCTAssertEqual(state.confirmation?.action, .saveMappings)
        let requests = F.press([.character("y")], on: &state)
        XCTAssertEqual(requests, [.saveMappings(state.draft!.document, editedFrom: F.configuration)])

        let saved = state.draft!.document
        ConsoleReducer.apply(.configurationLoaded(saved), to: &state)
        ConsoleReducer.apply(.mappingsSaved(generation: 2), to: &state)
        XCTAssertEqual(state.draft?.isDirty, false)
        XCTAssertEqual(state.configuration, saved)
        XCTAssertTrue(state.message?.text.contains("generation 2") ?? false)
    }

    func testAFormWithABadRuleStaysOpenWithTheErrorInline() {
        var state = mappingsScreen()
        F.press([.character("a")] + F.type("x") + [.tab] + F.type("alice") + [.tab, .tab, .tab] + F.type("CN") + [.enter], on: &state)
        XCTAssertNotNil(state.mappingForm)
        XCTAssertEqual(state.mappingForm?.error, "Rules: rule \"CN\": expected SUBFIELD=CRITERIA, e.g. O=Contoso or issuer.CN=*CA")
        XCTAssertEqual(state.draft?.isDirty, false)
        F.press([.escape], on: &state)
        XCTAssertNil(state.mappingForm)
    }

    func testSavingIsRefusedWhileTheDraftHasProblems() {
        var state = mappingsScreen()
        F.press([.character("a")] + F.type("partners") + [.tab] + F.type("nobody") + [.tab, .tab, .tab] + F.type("O=Partner*") + [.enter], on: &state)
        XCTAssertEqual(state.draft?.issues.first?.path, "manyToOne[4].account")
        XCTAssertEqual(F.press([.character("w")], on: &state), [])
        XCTAssertNil(state.confirmation)
        XCTAssertEqual(state.message?.severity, .error)
    }

    func testUndoAndRedoWalkThroughTheEdits() {
        var state = mappingsScreen()
        F.press([.character("j"), .character(" "), .character("J")], on: &state)
        XCTAssertEqual(state.draft?.document.manyToOne.map(\.name), ["finance staff", "contractors", "employees", "old partners"])
        XCTAssertEqual(state.draft?.document.manyToOne[1].enabled, false)
        F.press([.character("u")], on: &state)
        XCTAssertEqual(state.draft?.document.manyToOne.first?.name, "contractors")
        F.press([.character("u")], on: &state)
        XCTAssertEqual(state.draft?.isDirty, false)
        F.press([.control("r"), .control("r")], on: &state)
        XCTAssertEqual(state.draft?.document.manyToOne.first?.name, "finance staff")
    }

    func testDeletingAsksFirst() {
        var state = mappingsScreen()
        F.press([.character("j"), .character("d")], on: &state)
        XCTAssertEqual(state.confirmation?.text, "Delete the mapping \"contractors\"? [y/N]")
        F.press([.character("n")], on: &state)
        XCTAssertEqual(state.draft?.document.manyToOne.count, 4)
        F.press([.character("d"), .character("y")], on: &state)
        XCTAssertEqual(state.draft?.document.manyToOne.map(\.name), ["finance staff", "employees", "old partners"])
    }

    func testLeavingOrQuittingWithUnsavedEditsAsksToDiscardThem() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        F.press([.character("q")], on: &state)
        XCTAssertEqual(state.confirmation?.action, .discardEdits)
        F.press([.character("y")], on: &state)
        XCTAssertEqual(state.screen, .live)
        XCTAssertEqual(state.draft?.isDirty, false)

        F.press([.character("3"), .character(" "), .character("1"), .character("q")], on: &state)
        XCTAssertEqual(state.confirmation?.text, "Quit and discard 1 unsaved mapping edit(s)? [y/N]")
    }

    func testCapitalQWithUnsavedEditsAsksInsteadOfDroppingThem() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        XCTAssertEqual(F.press([.character("Q")], on: &state), [], "unsaved edits are never dropped without asking")
        XCTAssertEqual(state.confirmation?.action, .quit)
        XCTAssertEqual(F.press([.enter], on: &state), [], "Enter cancels")
        XCTAssertEqual(state.draft?.isDirty, true)
        XCTAssertEqual(F.press([.character("?"), .character("Q")], on: &state), [], "nor from the help overlay")
        XCTAssertEqual(F.press([.character("y")], on: &state), [.quit])
    }

    func testAConfigurationChangeFromElsewhereKeepsPendingEdits() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        var other = F.configuration
        other.accounts.append(AccountEntry(name: "dave"))
        ConsoleReducer.apply(.configurationLoaded(other), to: &state)
        XCTAssertEqual(state.draft?.base, other)
        XCTAssertEqual(state.draft?.isDirty, true, "the operator's unsaved edit survives")
    }

    /// The file as another writer left it: the console's configuration plus one mapping.
    private func changedElsewhere() -> ConfigDocument {
        var theirs = F.configuration
        theirs.manyToOne.append(ManyToOneEntry(name: "added elsewhere", account: theirs.accounts[0].name, rules: [RuleEntry(subfield: .organization, match: "Elsewhere")]))
        return theirs
    }

    func testSavingAfterAnotherWriterChangedTheFileSendsWhatTheEditsWereMadeAgainst() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        let mine = state.draft!.document
        ConsoleReducer.apply(.configurationLoaded(changedElsewhere()), to: &state)
        F.press([.character("w")], on: &state)
        XCTAssertEqual(F.press([.character("y")], on: &state), [.saveMappings(mine, editedFrom: F.configuration)], "compared with the file the edits started from, never the newer one")
    }

    func testASaveConflictOffersMergeAndMergingSavesBothEdits() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        let mine = state.draft!.document
        let theirs = changedElsewhere()
        ConsoleReducer.apply(.saveConflict(SaveConflict(mine: mine, base: F.configuration, theirs: theirs, changes: ["added many-to-one \"added elsewhere\""])), to: &state)
        let buffer = ConsoleView.render(state)
        let footer = buffer.line(buffer.height - 1)
        XCTAssertTrue(footer.contains("config.json was changed elsewhere: added many-to-one \"added elsewhere\". m merge both  k keep mine  t take theirs"), footer)
        let requests = F.press([.character("m")], on: &state)
        guard case .saveMappings(let merged, let base)? = requests.first else { return XCTFail("\(requests)") }
        XCTAssertEqual(base, theirs, "the merge is saved over the file as it is now")
        XCTAssertEqual(merged.manyToOne.map(\.name), theirs.manyToOne.map(\.name), "their mapping is kept")
        XCTAssertEqual(merged.oneToOne, mine.oneToOne, "and so is my edit")
        ConsoleReducer.apply(.configurationLoaded(merged), to: &state)
        XCTAssertEqual(state.draft?.isDirty, false, "after the merged save nothing is pending")
    }

    func testASaveConflictCancelsOnAnyOtherKeyAndTakeTheirsDropsMyEdits() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        let conflict = SaveConflict(mine: state.draft!.document, base: F.configuration, theirs: changedElsewhere(), changes: [])
        ConsoleReducer.apply(.saveConflict(conflict), to: &state)
        XCTAssertEqual(F.press([.enter], on: &state), [])
        XCTAssertNil(state.saveConflict)
        XCTAssertEqual(state.draft?.isDirty, true, "cancel keeps my edits pending")
        ConsoleReducer.apply(.saveConflict(conflict), to: &state)
        XCTAssertEqual(F.press([.character("t")], on: &state), [])
        XCTAssertEqual(state.draft?.document, changedElsewhere())
        XCTAssertEqual(state.draft?.isDirty, false)
    }

    func testKeepMineSavesMyDraftOverTheirs() {
        var state = mappingsScreen()
        F.press([.character(" ")], on: &state)
        let mine = state.draft!.document
        ConsoleReducer.apply(.saveConflict(SaveConflict(mine: mine, base: F.configuration, theirs: changedElsewhere(), changes: [])), to: &state)
        XCTAssertEqual(F.press([.character("k")], on: &state), [.saveMappings(mine, editedFrom: changedElsewhere())])
    }
}
