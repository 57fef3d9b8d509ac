import Foundation
import XCTest

@testable import CertMapConsole

/// Compares rendered text with `Snapshots/<name>.txt` (read through `Bundle.module`).
///
/// `CERTMAP_RECORD_SNAPSHOTS=1 swift test --filter CertMapConsoleTests` (re)writes the files in
/// the source tree; review them with `git diff` and commit them.
func assertSnapshot(_ buffer: ScreenBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let actual = buffer.text
    let sourceDirectory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    let snapshotsDirectory = sourceDirectory.pathComponents.contains("Views")
        ? sourceDirectory.deletingLastPathComponent().appendingPathComponent("Snapshots")
        : sourceDirectory.appendingPathComponent("Snapshots")
    if ProcessInfo.processInfo.environment["CERTMAP_RECORD_SNAPSHOTS"] == "1" {
        let url = snapshotsDirectory.appendingPathComponent("\(name).txt")
        XCTAssertNoThrow(try actual.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
        return
    }
    guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Snapshots"),
        let expected = try? String(contentsOf: url, encoding: .utf8)
    else {
        XCTFail(
            "no snapshot \(name).txt; record it with CERTMAP_RECORD_SNAPSHOTS=1 swift test --filter CertMapConsoleTests, then review and commit Tests/CertMapConsoleTests/Snapshots/\(name).txt",
            file: file, line: line)
        return
    }
    guard expected != actual else { return }
    let expectedLines = expected.components(separatedBy: "\n")
    let actualLines = actual.components(separatedBy: "\n")
    var diff: [String] = []
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let e = index < expectedLines.count ? expectedLines[index] : "<none>"
        let a = index < actualLines.count ? actualLines[index] : "<none>"
        if e != a { diff.append("line \(index + 1):\n  expected: \(e)\n  actual:   \(a)") }
    }
    XCTFail(
        "snapshot \(name) differs (re-record with CERTMAP_RECORD_SNAPSHOTS=1 if the change is intended):\n" + diff.prefix(12).joined(separator: "\n")
            + "\n\nactual screen:\n\(actual)", file: file, line: line)
}
