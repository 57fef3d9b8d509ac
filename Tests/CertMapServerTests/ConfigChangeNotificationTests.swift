import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// The watcher is told of changes by the kernel (inotify): an edit to config.json, or a trust file
/// replaced by rename, applies at once, long before the safety poll would have looked.
final class ConfigChangeNotificationTests: XCTestCase {
    /// A server whose watcher would poll only after an hour: whatever is applied sooner came by
    /// notification. Returns it with the generation in force.
    private func watchedServer() async throws -> (ServerHarness, generation: UInt64) {
        let harness = try await ServerHarness.start(self)
        let watcher = ConfigFileWatcher(service: harness.service)
        watcher.start(interval: .seconds(3600))
        addTeardownBlock { watcher.stop() }
        return (harness, harness.service.configuration.current.generation)
    }

    func testAConfigEditIsAppliedOnNotificationWithoutWaitingForThePoll() async throws {
        #if os(Linux)
        let (harness, generation) = try await watchedServer()
        let store = ConfigStore(home: harness.home)
        var document = try store.load()
        document.oneToOne.removeAll()
        try store.save(document)
        let applied = await eventually(within: 5) { harness.service.configuration.current.generation > generation }
        XCTAssertTrue(applied, "the edit was not applied without the poll")
        XCTAssertEqual(harness.service.configuration.current.document.oneToOne, [])
        #else
        throw XCTSkip("inotify is Linux's")
        #endif
    }

    func testATrustFileReplacedByRenameIsReloadedOnNotification() async throws {
        #if os(Linux)
        let (harness, generation) = try await watchedServer()
        let bundle = harness.home.pkiDirectory.appendingPathComponent("ca-bundle.pem")
        let text = try String(contentsOf: bundle, encoding: .utf8)
        try (text + "\n").write(to: bundle, atomically: true, encoding: .utf8)
        let reloaded = await eventually(within: 5) { harness.service.configuration.current.generation > generation }
        XCTAssertTrue(reloaded, "the replaced CA bundle was not reloaded without the poll")
        #else
        throw XCTSkip("inotify is Linux's")
        #endif
    }
}
