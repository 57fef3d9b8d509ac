import XCTest

@testable import CertMapCore

/// Live edits swap a whole compiled snapshot with the next generation, or change nothing.
final class LiveConfigurationTests: XCTestCase {
    private var alice: CertificateIdentity!
    private var document: ConfigDocument!

    override func setUpWithError() throws {
        alice = try TestCertificates.person("alice")
        document = ConfigFixtures.document(alice: alice)
    }

    func testApplyBumpsTheGenerationAndDecisionsUseTheNewSnapshot() throws {
        let live = LiveConfiguration(try ConfigSnapshot(document: document, generation: 1))
        XCTAssertEqual(live.current.engine.decide(alice).account, "alice")

        var edited = document!
        edited.oneToOne[0].enabled = false
        let applied = try live.apply(edited)
        XCTAssertEqual(applied.generation, 2)
        XCTAssertEqual(live.current.generation, 2)
        XCTAssertEqual(live.current.document, edited)
        let decision = live.current.engine.decide(alice)
        XCTAssertEqual(decision.generation, 2)
        XCTAssertEqual(decision.statusText, "401.2")

        try live.apply(document)
        XCTAssertEqual(live.current.generation, 3)
        XCTAssertEqual(live.current.engine.decide(alice).account, "alice")
    }

    func testInvalidDocumentLeavesTheCurrentSnapshotUnchanged() throws {
        let live = LiveConfiguration(try ConfigSnapshot(document: document, generation: 5))
        var invalid = document!
        invalid.manyToOne[0].rules = []
        XCTAssertThrowsError(try live.apply(invalid)) { error in
            XCTAssertEqual(
                error as? ConfigError,
                .invalid(
                    file: "config",
                    issues: [ConfigIssue(path: "manyToOne[0].rules", message: "needs at least one rule (a mapping without rules would match every certificate)")]
                )
            )
        }
        XCTAssertEqual(live.current.generation, 5)
        XCTAssertEqual(live.current.document, document)
        XCTAssertEqual(live.current.engine.generation, 5)
        XCTAssertEqual(live.current.engine.decide(alice).account, "alice")
    }

    func testSnapshotCompilesFingerprintOnlyOneToOneAndMappingSwitches() throws {
        var edited = document!
        edited.oneToOne[0].certificate = nil
        edited.oneToOne[0].sha256 = alice.sha256.hex.lowercased()
        edited.mapping.manyToOneEnabled = false
        let snapshot = try ConfigSnapshot(document: edited, generation: 9)
        XCTAssertEqual(snapshot.engine.decide(alice).mapping, #"one-to-one "alice laptop""#)
        XCTAssertFalse(snapshot.engine.mappings.isManyToOneEnabled)
        XCTAssertTrue(snapshot.engine.mappings.isOneToOneEnabled)
        XCTAssertEqual(snapshot.engine.mappings.oneToOne.first?.fingerprint, alice.sha256)
        XCTAssertNil(snapshot.engine.mappings.oneToOne.first?.certificateDER)
    }
}
