import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()` (call it from
/// tearDown) so tests never see each other's files.
struct TemporaryDirectory {
    let url: URL

    init(_ label: String = "certmap-tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    init(prefix: String) throws {
        try self.init(prefix)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func path(_ name: String) -> String { file(name).path }

    /// Names of the directory's entries, sorted.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func remove() {
        chmod(url.path, 0o700)
        try? FileManager.default.removeItem(at: url)
    }
}
