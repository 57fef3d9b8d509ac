import CertMapCore
import XCTest

/// Every spelling of a path that reaches `/admin` is read as `/admin` — decided and forwarded as
/// such — and every target backends could resolve differently is refused with its reason.
final class RequestTargetTests: XCTestCase {
    private let served = ServedHosts(names: ["localhost", "*.example.com"], addresses: [IPAddress("127.0.0.1")!, IPAddress("::1")!])

    private func read(_ target: String, options: Bool = false) -> Result<RequestTarget, RequestTargetRefusal> {
        RequestTarget.read(target, isOptions: options, servedHosts: served)
    }

    func testEverySpellingOfAdminIsNormalisedToAdmin() throws {
        let spellings = [
            "/admin", "/%61dmin", "/%61%64%6D%69%6E", "//admin", "///admin", "/./admin", "/public/../admin", "/public/x/../../admin",
            "/../admin", "/admin/.", "/admin/", "/a/./../admin", "http://localhost/admin", "https://LOCALHOST:8443/admin",
            "https://127.0.0.1/admin", "https://[::1]:443/admin", "https://app.example.com/admin",
        ]
        for spelling in spellings {
            let target = try read(spelling).get()
            XCTAssertTrue(target.decisionPath == "/admin" || target.decisionPath == "/admin/", "\(spelling) → \(target.decisionPath)")
            XCTAssertTrue(target.normalized.hasPrefix("/admin"), "\(spelling) → \(target.normalized)")
        }
    }

    func testPathParametersAreLeftOutOfTheDecisionPathButForwarded() throws {
        let target = try read("/admin;jsessionid=1/secret?q=1").get()
        XCTAssertEqual(target.decisionPath, "/admin/secret")
        XCTAssertEqual(target.normalized, "/admin;jsessionid=1/secret?q=1")
        XCTAssertEqual(try read("/public;x/../admin").get().decisionPath, "/admin")
    }

    func testQueryIsKeptAsReceivedAndNotNormalised() throws {
        let target = try read("/reports/../reports?path=/../admin&x=%2F").get()
        XCTAssertEqual(target.normalized, "/reports?path=/../admin&x=%2F")
        XCTAssertEqual(target.decisionPath, "/reports")
    }

    func testEscapesOfReservedCharactersKeepUpperCaseHexAndRawNonASCIIIsEscaped() throws {
        XCTAssertEqual(try read("/a%3fb%20c").get().normalized, "/a%3Fb%20c")
        XCTAssertEqual(try read("/caf\u{E9}").get().normalized, "/caf%C3%A9")
        XCTAssertEqual(try read("/%7euser").get().normalized, "/~user")
    }

    func testPlainTargetsAreReturnedUnchanged() throws {
        for plain in ["/", "/admin", "/reports?q=1&x=/../y", "/a-b_c~d.e/f", "/file.tar.gz"] {
            let target = try read(plain).get()
            XCTAssertEqual(target.normalized, plain)
            XCTAssertFalse(target.differs(from: plain))
        }
    }

    func testTargetsBackendsReadDifferentlyAreRefusedWithTheirReason() {
        let refused: [(String, RequestTargetRefusal)] = [
            ("/admin%2Fsecret", .encodedSlash), ("/public%2f..%2fadmin", .encodedSlash), ("/public\\..\\admin", .backslash), ("/x%5cadmin", .backslash),
            ("/%2e%2e/admin", .encodedDotSegment), ("/public/.%2e/admin", .encodedDotSegment), ("/public/%2E/admin", .encodedDotSegment),
            ("/public/..;/admin", .dotSegmentWithParameters), ("/public/.;x/admin", .dotSegmentWithParameters),
            ("/%252e%252e/admin", .doubleEncoded), ("/admin%00.txt", .controlByte(0)), ("/a%0d%0aSet-Cookie:x", .controlByte(0x0D)),
            ("/%c0%ae%c0%ae/admin", .overlongUTF8), ("/admin%", .badEscape), ("/admin%4", .badEscape), ("/%zzadmin", .badEscape),
            ("/admin#frag", .fragment), ("/admin?x=1\u{7F}", .controlByte(0x7F)), ("http://evil.example.org/admin", .otherHost("evil.example.org")),
            ("https://user@localhost/admin", .userinfo), ("ftp://localhost/admin", .scheme("ftp")), ("localhost:443", .notOriginOrAbsoluteForm),
            ("admin", .notOriginOrAbsoluteForm), ("*", .asteriskOutsideOptions), ("", .empty),
        ]
        for (target, refusal) in refused {
            switch read(target) {
            case .success(let read): XCTFail("\(target) was read as \(read.normalized)")
            case .failure(let got): XCTAssertEqual(got, refusal, target)
            }
        }
    }

    func testAsteriskIsForOptionsOnly() throws {
        XCTAssertEqual(try read("*", options: true).get().normalized, "*")
    }

    func testAbsoluteFormAuthorityIsKeptForHost() throws {
        XCTAssertEqual(try read("https://localhost:8443/x?y").get().authority, "localhost:8443")
        XCTAssertEqual(try read("https://localhost").get().normalized, "/")
        XCTAssertNil(try read("/x").get().authority)
    }

    func testServedHostsComeFromTheCertificatesNamesAndWildcardsMatchOneLabel() {
        XCTAssertTrue(served.serves(authority: "a.example.com", scheme: "https"))
        XCTAssertFalse(served.serves(authority: "a.b.example.com", scheme: "https"))
        XCTAssertFalse(served.serves(authority: "example.com", scheme: "https"))
        XCTAssertTrue(served.serves(authority: "localhost.", scheme: "https"))
        XCTAssertFalse(served.serves(authority: "127.0.0.2", scheme: "https"))
        XCTAssertFalse(served.serves(authority: "localhost:abc", scheme: "https"))
        XCTAssertTrue(ServedHosts.any.serves(authority: "anything", scheme: "https"))
    }

    func testResourcesMatchWithoutRegardToCaseUnlessCaseSensitive() {
        let admin = Resource(pathPrefix: "/admin", allowGroups: ["admins"])
        for path in ["/admin", "/ADMIN", "/Admin/x", "/aDmIn?q"] { XCTAssertTrue(admin.covers(path), path) }
        XCTAssertFalse(admin.covers("/administrator"))
        XCTAssertFalse(admin.covers("/adm"))
        let exact = Resource(pathPrefix: "/admin", caseSensitive: true)
        XCTAssertTrue(exact.covers("/admin/x"))
        XCTAssertFalse(exact.covers("/ADMIN"))
        let policy = AccessPolicy(accounts: [], resources: [Resource(pathPrefix: "/"), admin])
        XCTAssertEqual(policy.resource(for: "/ADMIN/users").pathPrefix, "/admin")
    }
}
