import XCTest

@testable import CertMapCore

/// Decoding is strict and its errors name the exact field; encoding is stable.
final class ConfigCodecTests: XCTestCase {
    private typealias C = ConfigFixtures

    /// Four many-to-one mappings; the fourth's first rule gets whatever `rule` says.
    private func manyToOneJSON(rule: String) -> String {
        let good = #"{"name": "m%d", "account": "a", "rules": [{"subfield": "CN", "match": "x"}]}"#
        let entries = (0..<3).map { String(format: good, $0) } + [#"{"name": "m3", "account": "a", "rules": [\#(rule)]}"#]
        return #"{"version": 1, "accounts": [{"name": "a"}], "manyToOne": [\#(entries.joined(separator: ", "))]}"#
    }

    func testFullDocumentDecodesEveryField() throws {
        let alice = try TestCertificates.person("alice")
        let json = """
            {
              "version": 1,
              "mapping": {"oneToOneEnabled": false, "manyToOneEnabled": true},
              "trust": {"caBundle": "/etc/certmap/ca.pem", "crls": ["a.crl", "b.crl"], "revokedSerials": ["0A:1B"], "requireClientAuthUsage": false},
              "accounts": [{"name": "alice", "enabled": true, "groups": ["admins", "engineering"]}, {"name": "old", "enabled": false}],
              "oneToOne": [{"name": "alice laptop", "enabled": false, "account": "alice", "sha256": "\(alice.sha256.colonHex)",
                            "certificate": "\(Data(alice.der).base64EncodedString())", "subject": "CN=alice"}],
              "manyToOne": [{"name": "deny contractors", "description": "no contractors", "enabled": true, "permission": "deny",
                             "rules": [{"field": "issuer", "subfield": "O", "match": "Contoso*", "caseSensitive": true},
                                       {"subfield": "SAN.email", "match": "*@contoso.example"}]}],
              "resources": [{"path": "/portal", "clientCertificate": "accept", "allowAccounts": ["alice"], "allowGroups": ["admins"], "allowAnonymous": true}]
            }
            """
        let document = try C.decode(json)
        XCTAssertEqual(document.version, 1)
        XCTAssertEqual(document.mapping, MappingSettings(oneToOneEnabled: false, manyToOneEnabled: true))
        XCTAssertEqual(
            document.trust,
            TrustSettings(caBundle: "/etc/certmap/ca.pem", crls: ["a.crl", "b.crl"], revokedSerials: ["0A:1B"], requireClientAuthUsage: false)
        )
        XCTAssertEqual(document.accounts, [AccountEntry(name: "alice", groups: ["admins", "engineering"]), AccountEntry(name: "old", enabled: false)])
        XCTAssertEqual(
            document.oneToOne,
            [
                OneToOneEntry(
                    name: "alice laptop", enabled: false, account: "alice", sha256: alice.sha256.colonHex,
                    certificate: Data(alice.der).base64EncodedString(), subject: "CN=alice"
                )
            ]
        )
        XCTAssertEqual(
            document.manyToOne,
            [
                ManyToOneEntry(
                    name: "deny contractors", description: "no contractors", permission: .deny, account: nil,
                    rules: [
                        RuleEntry(field: .issuer, subfield: .organization, match: "Contoso*", caseSensitive: true),
                        RuleEntry(subfield: .sanEmail, match: "*@contoso.example"),
                    ]
                )
            ]
        )
        XCTAssertEqual(
            document.resources,
            [ResourceEntry(path: "/portal", clientCertificate: .accept, allowAccounts: ["alice"], allowGroups: ["admins"], allowAnonymous: true)]
        )
    }

    func testMinimalDocumentEqualsTheDefaultDocument() throws {
        XCTAssertEqual(try C.decode(#"{"version": 1}"#), ConfigDocument())
    }

    func testOmittedFieldsTakeTheirDefaults() throws {
        let document = try C.decode(
            """
            {"version": 1, "mapping": {}, "trust": {},
             "accounts": [{"name": "a"}],
             "oneToOne": [{"name": "o", "account": "a", "sha256": "\(String(repeating: "ab", count: 32))"}],
             "manyToOne": [{"name": "m", "account": "a", "rules": [{"subfield": "CN", "match": "x"}]}],
             "resources": [{"path": "/"}]}
            """
        )
        XCTAssertEqual(document.mapping, MappingSettings())
        XCTAssertTrue(document.mapping.oneToOneEnabled)
        XCTAssertTrue(document.mapping.manyToOneEnabled)
        XCTAssertEqual(document.trust, TrustSettings(), "an empty trust object means the same as no trust object")
        XCTAssertEqual(document.trust.caBundle, "pki/ca-bundle.pem")
        XCTAssertTrue(document.trust.requireClientAuthUsage)
        XCTAssertEqual(document.accounts, [AccountEntry(name: "a", enabled: true, groups: [])])
        XCTAssertEqual(document.oneToOne.first?.enabled, true)
        XCTAssertNil(document.oneToOne.first?.certificate)
        XCTAssertNil(document.oneToOne.first?.subject)
        let mapping = try XCTUnwrap(document.manyToOne.first)
        XCTAssertEqual(mapping.description, "")
        XCTAssertTrue(mapping.enabled)
        XCTAssertEqual(mapping.permission, .allow)
        XCTAssertEqual(mapping.rules, [RuleEntry(field: .subject, subfield: .commonName, match: "x", caseSensitive: false)])
        XCTAssertEqual(document.resources, [ResourceEntry(path: "/", clientCertificate: .require, allowAccounts: [], allowGroups: [], allowAnonymous: false)])
    }

    func testUnknownSubfieldNamesItsPathAndTheAcceptedValues() {
        XCTAssertEqual(
            C.decodeError(manyToOneJSON(rule: #"{"subfield": "CNN", "match": "x"}"#)),
            #"config.json: manyToOne[3].rules[0].subfield: unknown "CNN"; expected one of CN, O, OU, L, S, C, E, SAN.email, SAN.dns"#
        )
    }

    func testUnknownFieldValueNamesTheAcceptedFields() {
        XCTAssertEqual(
            C.decodeError(manyToOneJSON(rule: #"{"field": "subjct", "subfield": "CN", "match": "x"}"#)),
            #"config.json: manyToOne[3].rules[0].field: unknown "subjct"; expected one of subject, issuer"#
        )
    }

    func testUnknownKeyIsRejectedWithTheKnownKeys() {
        XCTAssertEqual(
            C.decodeError(manyToOneJSON(rule: #"{"subfeild": "CN", "subfield": "CN", "match": "x"}"#)),
            #"config.json: manyToOne[3].rules[0].subfeild: unknown field "subfeild"; expected one of field, subfield, match, caseSensitive"#
        )
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "mappings": {}}"#),
            #"config.json: mappings: unknown field "mappings"; expected one of version, mapping, trust, accounts, oneToOne, manyToOne, resources, server, journal"#
        )
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "accounts": [{"name": "a", "enabeld": false}]}"#),
            #"config.json: accounts[0].enabeld: unknown field "enabeld"; expected one of name, enabled, groups"#
        )
    }

    func testWrongTypeNamesTheExpectedJSONType() {
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "accounts": [{"name": "a", "enabled": "yes"}]}"#),
            "config.json: accounts[0].enabled: expected true or false"
        )
        XCTAssertEqual(C.decodeError(#"{"version": 1, "accounts": [{"name": 7}]}"#), "config.json: accounts[0].name: expected a string")
        XCTAssertEqual(C.decodeError(#"{"version": "1"}"#), "config.json: version: expected a number")
        XCTAssertEqual(C.decodeError(#"{"version": 1, "accounts": {"name": "a"}}"#), "config.json: accounts: expected an array")
    }

    func testNullWhereAValueIsRequiredSaysFoundNull() {
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "accounts": [{"name": null}]}"#),
            "config.json: accounts[0].name: expected a string, found null"
        )
    }

    func testMissingRequiredKeyNamesTheKey() {
        XCTAssertEqual(C.decodeError(manyToOneJSON(rule: #"{"subfield": "CN"}"#)), "config.json: manyToOne[3].rules[0].match: is required")
        XCTAssertEqual(C.decodeError(#"{"accounts": []}"#), "config.json: version: is required")
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "accounts": [{"name": "a"}], "oneToOne": [{"name": "o", "sha256": "ab"}]}"#),
            "config.json: oneToOne[0].account: is required"
        )
    }

    func testUnsupportedVersionIsNamed() {
        XCTAssertEqual(C.decodeError(#"{"version": 2}"#), "config.json: version: version 2 is not supported; this certmap reads version 1")
    }

    func testBadPermissionAndPolicyValuesListTheChoices() {
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "manyToOne": [{"name": "m", "permission": "maybe", "rules": []}]}"#),
            #"config.json: manyToOne[0].permission: unknown "maybe"; expected one of allow, deny"#
        )
        XCTAssertEqual(
            C.decodeError(#"{"version": 1, "resources": [{"path": "/", "clientCertificate": "optional"}]}"#),
            #"config.json: resources[0].clientCertificate: unknown "optional"; expected one of ignore, accept, require"#
        )
    }

    func testJSONSyntaxErrorIsReportedAsSyntax() {
        XCTAssertThrowsError(try C.decode(#"{"version": 1,, }"#)) { error in
            guard case .syntax(let file, let detail)? = error as? ConfigError else {
                return XCTFail("expected a syntax error, got \(error)")
            }
            XCTAssertEqual(file, "config.json")
            XCTAssertFalse(detail.isEmpty)
            XCTAssertEqual("\(error)", "config.json: not valid JSON: \(detail)")
        }
        XCTAssertThrowsError(try C.decode("")) { error in
            guard case .syntax? = error as? ConfigError else { return XCTFail("expected a syntax error, got \(error)") }
        }
    }

    func testJSONSyntaxErrorNamesTheLineAndColumn() {
        let text = "{\n  \"version\": 1,\n  \"accounts\": [\n    {\"name\": alice}\n  ]\n}\n"
        XCTAssertEqual(C.decodeError(text), "config.json: not valid JSON: line 4, column 14: invalid value")
    }

    func testDecodeAlsoValidatesAndReportsEveryIssue() {
        XCTAssertThrowsError(
            try C.decode(#"{"version": 1, "manyToOne": [{"name": "m", "account": "ghost", "rules": []}]}"#, file: "/data/config.json")
        ) { error in
            XCTAssertEqual(
                error as? ConfigError,
                .invalid(
                    file: "/data/config.json",
                    issues: [
                        ConfigIssue(path: "manyToOne[0].account", message: #"unknown account "ghost"; add it to accounts"#),
                        ConfigIssue(path: "manyToOne[0].rules", message: "needs at least one rule (a mapping without rules would match every certificate)"),
                    ]
                )
            )
            XCTAssertEqual(
                "\(error)",
                """
                /data/config.json: manyToOne[0].account: unknown account "ghost"; add it to accounts
                /data/config.json: manyToOne[0].rules: needs at least one rule (a mapping without rules would match every certificate)
                """
            )
        }
    }

    func testEncodingIsSortedPrettyWithTrailingNewlineAndRoundTrips() throws {
        let document = ConfigFixtures.document(alice: try TestCertificates.person("alice"))
        let data = try ConfigCodec.encode(document)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertTrue(text.hasPrefix("{\n  \"accounts\" : ["), String(text.prefix(40)))
        XCTAssertFalse(text.contains("\\/"), "slashes are not escaped")
        XCTAssertEqual(try ConfigCodec.decode(data, file: "config.json"), document)
        XCTAssertEqual(try ConfigCodec.encode(ConfigCodec.decode(data, file: "config.json")), data)
    }
}
