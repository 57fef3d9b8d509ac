import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()` (call it
/// from tearDown) so tests never see each other's files.
struct TemporaryDirectory {
    let url: URL

    init(prefix: String = "certmap-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }
}
