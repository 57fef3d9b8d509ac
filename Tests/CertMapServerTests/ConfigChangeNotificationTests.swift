import CertMapCore
import CertMapJournal
import CertMapServer
import CertMapTestSupport
import Foundation
import XCTest

/// The watcher is told of changes by the kernel (inotify): an edit to config.json, or a trust file
/// replaced by rename, applies at once, long before the safety poll would have looked.
final class ConfigChangeNotificationTests: XCTestCase {
    func testAConfigEditIsAppliedOnNotificationWithoutWaitingForThePoll() async throws {
        #if os(Linux)
        let harness = try await ServerHarness.start(self)
        let watcher = ConfigFileWatcher(service: harness.service)
        watcher.start(interval: .seconds(3600))
        defer { watcher.stop() }
        let generation = harness.service.configuration.current.generation
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
        let harness = try await ServerHarness.start(self)
        let watcher = ConfigFileWatcher(service: harness.service)
        watcher.start(interval: .seconds(3600))
        defer { watcher.stop() }
        let generation = harness.service.configuration.current.generation
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
