import Foundation
import XCTest

@testable import CertMapCore

/// docs/design.md §2: `--home DIR`, else `$CERTMAP_HOME`, else `$XDG_DATA_HOME/certmap`, else `~/.local/share/certmap`.
final class DataHomeTests: XCTestCase {
    private let everything = ["CERTMAP_HOME": "/env/certmap", "XDG_DATA_HOME": "/xdg", "HOME": "/home/op"]

    func testExplicitHomeWinsOverEveryVariable() {
        XCTAssertEqual(DataHome.resolve(explicit: "/explicit/dir", environment: everything).url.path, "/explicit/dir")
    }

    func testCertmapHomeWinsOverXDGAndHome() {
        XCTAssertEqual(DataHome.resolve(explicit: nil, environment: everything).url.path, "/env/certmap")
    }

    func testXDGDataHomeGetsACertmapSubdirectory() {
        XCTAssertEqual(DataHome.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/xdg", "HOME": "/home/op"]).url.path, "/xdg/certmap")
    }

    func testHomeFallsBackToLocalShare() {
        XCTAssertEqual(DataHome.resolve(explicit: nil, environment: ["HOME": "/home/op"]).url.path, "/home/op/.local/share/certmap")
    }

    func testEmptyValuesAreSkipped() {
        let environment = ["CERTMAP_HOME": "", "XDG_DATA_HOME": "", "HOME": "/home/op"]
        XCTAssertEqual(DataHome.resolve(explicit: "", environment: environment).url.path, "/home/op/.local/share/certmap")
    }

    func testPathsInsideTheHome() {
        let home = DataHome(url: URL(fileURLWithPath: "/data/certmap/../certmap"))
        XCTAssertEqual(home.url.path, "/data/certmap")
        XCTAssertEqual(home.configFile.path, "/data/certmap/config.json")
        XCTAssertEqual(home.pkiDirectory.path, "/data/certmap/pki")
        XCTAssertEqual(home.resolve("pki/ca-bundle.pem").path, "/data/certmap/pki/ca-bundle.pem")
        XCTAssertEqual(home.resolve("/etc/ssl/ca.pem").path, "/etc/ssl/ca.pem")
    }

    func testCreateMakesAPrivateDirectory() throws {
        let parent = try TemporaryDirectory("certmap-home")
        defer { parent.remove() }
        let home = DataHome(url: parent.file("a/b/certmap"))
        try home.create()
        let attributes = try FileManager.default.attributesOfItem(atPath: home.url.path)
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeDirectory)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
    }
}
