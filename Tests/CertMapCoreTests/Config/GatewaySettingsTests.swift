import Foundation
import XCTest

@testable import CertMapCore

/// `server.gateway` and `resources[].upstream`: URLs parsed strictly with one sentence per
/// mistake, defaults that need nothing, and validation that names the field.
final class GatewaySettingsTests: XCTestCase {
    func testUpstreamURLsParseWithDefaultPortsPrefixesAndIPv6() throws {
        let plain = try UpstreamURL(parsing: "http://127.0.0.1:8000")
        XCTAssertEqual(plain, UpstreamURL(scheme: .http, host: "127.0.0.1", port: 8000))
        XCTAssertEqual(plain.hostHeader, "127.0.0.1:8000")
        let prefixed = try UpstreamURL(parsing: "HTTPS://app.internal/base/")
        XCTAssertEqual(prefixed, UpstreamURL(scheme: .https, host: "app.internal", port: 443, pathPrefix: "/base"))
        XCTAssertEqual(prefixed.hostHeader, "app.internal")
        XCTAssertEqual(prefixed.description, "https://app.internal:443/base")
        let v6 = try UpstreamURL(parsing: "http://[::1]:9000")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.hostHeader, "[::1]:9000")
    }

    func testEveryMistakeInAnUpstreamURLIsOneSentence() {
        for (text, problem) in [
            ("127.0.0.1:8000", "it needs a scheme, e.g. http://127.0.0.1:8000"),
            ("ftp://x", "the scheme must be http or https"),
            ("http://", "the host is missing"),
            ("http://host:99999", "the port must be a number from 1 to 65535"),
            ("http://host:abc", "the port must be a number from 1 to 65535"),
            ("http://user:pw@host", "user names and passwords are not supported in the URL"),
            ("http://host/x?y=1", "a query or fragment has no meaning for an upstream"),
            ("http://[::1:80", "an IPv6 address needs its closing ]"),
            // Found by `scripts/fuzz.sh config`: a host with brackets inside was accepted and
            // written back as "[2[::1]]", which did not load again.
            ("https://2[::1]:8443/x", "the host may hold only letters, digits, \".\", \"-\" and \"_\" (an IPv6 address goes in brackets)"),
            ("http://[zz::1]:80", "\"[zz::1]\" is not an IPv6 address"),
            ("http://host/a b", "the path may hold only URL characters (no spaces or controls; percent-encode the rest)"),
        ] {
            XCTAssertThrowsError(try UpstreamURL(parsing: text), text) { error in
                XCTAssertEqual("\(error)", "\"\(text)\" is not an upstream URL: \(problem)")
            }
        }
    }

    func testEveryURLThatParsesPrintsBackToTheSameURL() throws {
        for text in ["http://127.0.0.1:8000", "https://[::1]:8443/base", "http://app.internal/a/b%20c/", "https://h_1.example:1/~x"] {
            let url = try UpstreamURL(parsing: text)
            XCTAssertEqual(try UpstreamURL(parsing: url.description), url, text)
        }
    }

    func testAGatewaySectionRoundTripsAndADefaultOneIsNotWritten() throws {
        let json = #"""
            {"version": 1, "accounts": [{"name": "alice"}],
             "resources": [{"path": "/api", "upstream": "http://127.0.0.1:9000/v2"}],
             "server": {"gateway": {"upstream": "http://127.0.0.1:8000", "identityHeaders": {"account": "X-User"}, "responseTimeoutSeconds": 5}}}
            """#
        let document = try ConfigCodec.decode(Data(json.utf8), file: "config.json")
        XCTAssertEqual(document.server.gateway.upstream, UpstreamURL(scheme: .http, host: "127.0.0.1", port: 8000))
        XCTAssertEqual(document.server.gateway.identityHeaders.account, "X-User")
        XCTAssertEqual(document.server.gateway.identityHeaders.groups, "X-CertMap-Groups")
        XCTAssertEqual(document.server.gateway.responseTimeoutSeconds, 5)
        XCTAssertEqual(document.resources[0].upstream?.pathPrefix, "/v2")
        let again = try ConfigCodec.decode(try ConfigCodec.encode(document), file: "config.json")
        XCTAssertEqual(again, document)
        let plain = String(decoding: try ConfigCodec.encode(ConfigDocument()), as: UTF8.self)
        XCTAssertFalse(plain.contains("gateway"), "a configuration without a gateway is written as before")
    }

    func testBadGatewaySettingsAreRefusedNamingTheField() throws {
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"gateway": {"upstream": "localhost:8000"}}}"#.utf8), file: "config.json")) { error in
            XCTAssertTrue("\(error)".contains("server.gateway.upstream"), "\(error)")
            XCTAssertTrue("\(error)".contains("it needs a scheme, e.g. http://localhost:8000"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "server": {"gateway": {"upstrem": "http://x"}}}"#.utf8), file: "config.json")) { error in
            XCTAssertTrue("\(error)".contains("upstrem"), "\(error)")
        }
        var document = ConfigDocument()
        document.server.gateway.responseTimeoutSeconds = 0
        document.server.gateway.identityHeaders.account = "X User"
        document.server.gateway.upstreamCertificate = "pki/gw.crt"
        let issues = ConfigValidator.validate(document).map(\.description)
        XCTAssertTrue(issues.contains { $0.contains("server.gateway.responseTimeoutSeconds") }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains("server.gateway.identityHeaders.account") && $0.contains("not a valid header name") }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains("server.gateway.upstreamCertificate") }, "\(issues)")
    }
}
