import Foundation
import XCTest

@testable import CertMapCore

/// The one atomic writer: replace in place, or create only where nothing is, with the final mode
/// from the start and no temporary file left behind either way.
final class AtomicFileWriterTests: XCTestCase {
    func testCreatingWhereAFileExistsFailsAndKeepsIt() throws {
        let directory = try TemporaryDirectory(prefix: "certmap-writer")
        defer { directory.remove() }
        let key = directory.url.appendingPathComponent("alice.key")
        let writer = AtomicFileWriter(permissions: 0o600)
        try writer.write(Data("first".utf8), to: key, replacingExisting: false)
        XCTAssertThrowsError(try writer.write(Data("second".utf8), to: key, replacingExisting: false)) { error in
            XCTAssertEqual("\(error)", ConfigError.io(file: key.path, detail: "already exists").description)
        }
        XCTAssertEqual(try String(contentsOf: key, encoding: .utf8), "first")
        try writer.write(Data("third".utf8), to: key)
        XCTAssertEqual(try String(contentsOf: key, encoding: .utf8), "third")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.url.path), ["alice.key"], "no temporary file is left")
    }

    func testAMissingDirectoryIsNamedNotTheTemporaryFile() {
        XCTAssertThrowsError(try AtomicFileWriter().write(Data(), to: URL(fileURLWithPath: "/nonexistent-certmap/out.txt"))) { error in
            XCTAssertEqual("\(error)", ConfigError.io(file: "/nonexistent-certmap/out.txt", detail: "cannot write it: the directory /nonexistent-certmap does not exist").description)
        }
    }
}
