import Foundation
import XCTest

@testable import CertMapCore

/// Saves validate, refuse to clobber a broken file, write atomically with numbered backups and
/// leave nothing changed when they fail.
final class ConfigStoreTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: ConfigStore!
    private var alice: CertificateIdentity!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("certmap-store")
        store = ConfigStore(home: DataHome(url: directory.url))
        alice = try TestCertificates.person("alice")
    }

    override func tearDown() {
        directory?.remove()
    }

    /// A valid document that differs per `generation` (its first account's name).
    private func document(_ generation: Int) -> ConfigDocument {
        var document = ConfigFixtures.document(alice: alice)
        document.accounts.append(AccountEntry(name: "generation-\(generation)"))
        return document
    }

    private func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    private func temporaryFiles() throws -> [String] {
        try directory.entries().filter { $0.hasSuffix(".tmp") }
    }

    func testSaveThenLoadRoundTripsTheDocument() throws {
        XCTAssertFalse(store.exists)
        try store.save(document(1))
        XCTAssertTrue(store.exists)
        XCTAssertEqual(try store.load(), document(1))
        XCTAssertEqual(try bytes(store.file), try ConfigCodec.encode(document(1)))
        XCTAssertEqual(try directory.entries(), ["config.json"])
    }

    func testSavedFileIsReadableOnlyByItsOwner() throws {
        try store.save(document(1))
        try store.save(document(2))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testBackupsRotateAndKeepTheFiveNewestOlderVersions() throws {
        for generation in 1...7 {
            try store.save(document(generation))
        }
        XCTAssertEqual(try directory.entries(), ["config.json", "config.json.1", "config.json.2", "config.json.3", "config.json.4", "config.json.5"])
        XCTAssertEqual(try bytes(store.file), try ConfigCodec.encode(document(7)))
        for number in 1...5 {
            let backup = AtomicFileWriter.backupURL(of: store.file, number: number)
            XCTAssertEqual(try bytes(backup), try ConfigCodec.encode(document(7 - number)), "config.json.\(number)")
        }
    }

    func testLoadSnapshotCompilesTheSavedDocument() throws {
        try store.save(document(1))
        let snapshot = try store.loadSnapshot(generation: 4)
        XCTAssertEqual(snapshot.generation, 4)
        XCTAssertEqual(snapshot.document, document(1))
        let decision = snapshot.engine.decide(alice)
        XCTAssertEqual(decision.account, "alice")
        XCTAssertEqual(decision.generation, 4)
    }

    func testInvalidDocumentIsNotSavedAndTheOldFileIsByteIdentical() throws {
        try store.save(document(1))
        let before = try bytes(store.file)
        var invalid = document(2)
        invalid.manyToOne[0].account = "ghost"
        XCTAssertThrowsError(try store.save(invalid)) { error in
            XCTAssertEqual(
                error as? ConfigError,
                .invalid(file: store.file.path, issues: [ConfigIssue(path: "manyToOne[0].account", message: #"unknown account "ghost"; add it to accounts"#)])
            )
        }
        XCTAssertEqual(try bytes(store.file), before)
        XCTAssertEqual(try directory.entries(), ["config.json"])
    }

    func testBrokenExistingFileIsNeverOverwritten() throws {
        let broken = Data(#"{"version": 2, "accounts": []}"#.utf8)
        try broken.write(to: store.file)
        XCTAssertThrowsError(try store.save(document(1))) { error in
            XCTAssertEqual(
                error as? ConfigError,
                .refusingToOverwrite(file: store.file.path, detail: "version: version 2 is not supported; this certmap reads version 1")
            )
            XCTAssertEqual(
                "\(error)",
                "\(store.file.path): not overwriting a configuration that does not load (version: version 2 is not supported; this certmap reads version 1); fix or move it first"
            )
        }
        XCTAssertEqual(try bytes(store.file), broken)
        XCTAssertEqual(try directory.entries(), ["config.json"])
    }

    func testExistingFileWithInvalidJSONIsNeverOverwritten() throws {
        let broken = Data("{ half a hand edit".utf8)
        try broken.write(to: store.file)
        XCTAssertThrowsError(try store.save(document(1))) { error in
            guard case .refusingToOverwrite(let file, let detail)? = error as? ConfigError else {
                return XCTFail("expected refusingToOverwrite, got \(error)")
            }
            XCTAssertEqual(file, store.file.path)
            XCTAssertTrue(detail.hasPrefix("not valid JSON: "), detail)
        }
        XCTAssertEqual(try bytes(store.file), broken)
    }

    func testFailedBackupLeavesTheOldFileIntactAndNoTemporaryFiles() throws {
        try store.save(document(1))
        let before = try bytes(store.file)
        // Occupy every backup slot with a non-empty directory: rotation cannot move them and the
        // new backup cannot take the name config.json.1 (this works as root, unlike a read-only
        // directory). The pending hard link must be cleaned up and the occupants kept.
        for number in 1...5 {
            let slot = AtomicFileWriter.backupURL(of: store.file, number: number)
            try FileManager.default.createDirectory(at: slot, withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: slot.appendingPathComponent("occupant"))
        }
        XCTAssertThrowsError(try store.save(document(2))) { error in
            XCTAssertEqual(error as? ConfigError, .io(file: store.file.path, detail: "cannot keep a backup as config.json.1: Is a directory"))
        }
        for number in 1...5 {
            let occupant = AtomicFileWriter.backupURL(of: store.file, number: number).appendingPathComponent("occupant")
            XCTAssertEqual(try bytes(occupant), Data("keep".utf8), "backup slot \(number) must be untouched")
        }
        XCTAssertEqual(try bytes(store.file), before)
        XCTAssertEqual(try store.load(), document(1))
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testFailedWriteInAReadOnlyDirectoryLeavesTheOldFileIntact() throws {
        try XCTSkipIf(geteuid() == 0, "root ignores directory permissions; testFailedBackupLeavesTheOldFileIntactAndNoTemporaryFiles covers this")
        try store.save(document(1))
        let before = try bytes(store.file)
        XCTAssertEqual(chmod(directory.url.path, 0o500), 0)
        defer { chmod(directory.url.path, 0o700) }
        XCTAssertThrowsError(try store.save(document(2))) { error in
            guard case .io(let file, let detail)? = error as? ConfigError else { return XCTFail("expected io, got \(error)") }
            XCTAssertEqual(file, store.file.path)
            XCTAssertTrue(detail.hasPrefix("cannot create .config.json."), detail)
        }
        XCTAssertEqual(try bytes(store.file), before)
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testSaveUnderARegularFileFailsWithoutCreatingAnything() throws {
        let blocker = directory.file("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let store = ConfigStore(home: DataHome(url: blocker.appendingPathComponent("home")))
        XCTAssertThrowsError(try store.save(document(1))) { error in
            guard case .io(let file, let detail)? = error as? ConfigError else { return XCTFail("expected io, got \(error)") }
            XCTAssertEqual(file, blocker.appendingPathComponent("home").path)
            XCTAssertTrue(detail.hasPrefix("cannot create the data directory: "), detail)
        }
        XCTAssertEqual(try directory.entries(), ["not-a-directory"])
        XCTAssertEqual(try bytes(blocker), Data("x".utf8))
    }

    func testLoadingAMissingFileIsAnIOError() {
        XCTAssertThrowsError(try store.load()) { error in
            guard case .io(let file, let detail)? = error as? ConfigError else { return XCTFail("expected io, got \(error)") }
            XCTAssertEqual(file, store.file.path)
            XCTAssertTrue(detail.hasPrefix("cannot read: "), detail)
        }
    }

    func testASaveEditedFromAnOlderVersionIsRefusedAndSaysWhatChangedOnDisk() throws {
        try store.save(document(1))
        let loaded = try store.load()
        var theirs = loaded
        theirs.manyToOne.append(ManyToOneEntry(name: "Fabrikam", account: "sales", rules: [RuleEntry(subfield: .organization, match: "Fabrikam")]))
        try store.save(theirs, editedFrom: loaded)
        let onDisk = try bytes(store.file)
        var mine = loaded
        mine.accounts.append(AccountEntry(name: "mine"))
        XCTAssertThrowsError(try store.save(mine, editedFrom: loaded)) { error in
            guard case ConfigError.changedOnDisk(_, let current, let changes) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(current, theirs)
            XCTAssertEqual(changes, ["added many-to-one \"Fabrikam\""])
            XCTAssertTrue("\(error)".hasSuffix("was changed by another writer since it was loaded (added many-to-one \"Fabrikam\"); nothing was saved"), "\(error)")
        }
        XCTAssertEqual(try bytes(store.file), onDisk, "nothing was written")
    }

    func testConcurrentUpdatesFromManyWritersLoseNothing() throws {
        try store.save(document(1))
        let writers = 8, each = 10
        let home = store.home
        let failures = LockedState(0)
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for number in 0..<each {
                do {
                    try ConfigStore(home: home).update { document in
                        document.accounts.append(AccountEntry(name: "w\(writer)-\(number)"))
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
        let names = Set(try store.load().accounts.map(\.name))
        XCTAssertEqual(names.filter { $0.hasPrefix("w") }.count, writers * each, "every writer's account survived")
    }
}
