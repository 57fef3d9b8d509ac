import XCTest

@testable import CertMapCore

/// Everything JSON decoding cannot check, each reported with its path, all at once.
final class ConfigValidatorTests: XCTestCase {
    private var alice: CertificateIdentity!
    private var valid: ConfigDocument!

    override func setUpWithError() throws {
        alice = try TestCertificates.person("alice")
        valid = ConfigFixtures.document(alice: alice)
    }

    private func issues(_ edit: (inout ConfigDocument) -> Void) -> [String] {
        var document = valid!
        edit(&document)
        return ConfigValidator.validate(document).map(\.description)
    }

    func testValidDocumentHasNoIssues() {
        XCTAssertEqual(ConfigValidator.validate(valid), [])
        XCTAssertEqual(ConfigValidator.validate(ConfigDocument()), [])
    }

    func testJournalRetentionOutOfRangeIsNamedByField() throws {
        XCTAssertEqual(issues { $0.journal = JournalRetention(maxTotalMegabytes: 0, maxAgeDays: 0, segmentMegabytes: 64) }, [
            "journal.maxTotalMegabytes: must be at least 1", "journal.maxAgeDays: must be at least 1",
            "journal.segmentMegabytes: must be at least 1 and at most journal.maxTotalMegabytes (0)",
        ])
        let decoded = try ConfigCodec.decode(Data(#"{"version": 1, "journal": {"maxAgeDays": 7}}"#.utf8), file: "c.json")
        XCTAssertEqual(decoded.journal, JournalRetention(maxTotalMegabytes: 1024, maxAgeDays: 7, segmentMegabytes: 32), "unset fields keep their defaults")
        XCTAssertThrowsError(try ConfigCodec.decode(Data(#"{"version": 1, "journal": {"maxAge": 7}}"#.utf8), file: "c.json"), "unknown fields are errors")
    }

    func testUnknownAccountReferencesAreNamedWhereTheyOccur() {
        XCTAssertEqual(
            issues {
                $0.oneToOne[0].account = "bob"
                $0.manyToOne[0].account = "ghost"
                $0.resources[1].allowAccounts = ["alice", "mallory"]
            },
            [
                #"oneToOne[0].account: unknown account "bob"; add it to accounts"#,
                #"manyToOne[0].account: unknown account "ghost"; add it to accounts"#,
                #"resources[1].allowAccounts[1]: unknown account "mallory""#,
            ]
        )
    }

    func testDuplicateNamesPointAtTheFirstOccurrence() {
        XCTAssertEqual(
            issues {
                $0.accounts.append(AccountEntry(name: "alice"))
                $0.oneToOne.append($0.oneToOne[0])
                $0.manyToOne.append($0.manyToOne[0])
                $0.resources.append(ResourceEntry(path: "/admin"))
            },
            [
                #"accounts[2]: duplicate account "alice" (first at accounts[0])"#,
                #"oneToOne[1]: duplicate one-to-one mapping "alice laptop" (first at oneToOne[0])"#,
                #"manyToOne[1]: duplicate many-to-one mapping "Contoso sales" (first at manyToOne[0])"#,
                #"resources[2]: duplicate resource path "/admin" (first at resources[1])"#,
            ]
        )
    }

    func testMalformedFingerprintIsRejected() {
        XCTAssertEqual(
            issues {
                $0.oneToOne[0].certificate = nil
                $0.oneToOne[0].sha256 = "AB:CD:EF"
            },
            [#"oneToOne[0].sha256: "AB:CD:EF" is not a SHA-256 fingerprint (64 hex digits, colons allowed)"#]
        )
        XCTAssertEqual(
            issues { $0.oneToOne[0].sha256 = alice.sha1.colonHex },
            [#"oneToOne[0].sha256: "\#(alice.sha1.colonHex)" is not a SHA-256 fingerprint (64 hex digits, colons allowed)"#],
            "a SHA-1 fingerprint is not accepted where SHA-256 is expected"
        )
    }

    func testFingerprintThatDoesNotMatchTheCertificateIsRejected() throws {
        let other = try TestCertificates.person("other")
        XCTAssertEqual(
            issues { $0.oneToOne[0].sha256 = other.sha256.hex.lowercased() },
            ["oneToOne[0].sha256: does not match the certificate (its SHA-256 is \(alice.sha256.colonHex))"]
        )
    }

    func testOneToOneNeedsACertificateOrAFingerprint() {
        XCTAssertEqual(
            issues {
                $0.oneToOne[0].certificate = nil
                $0.oneToOne[0].sha256 = nil
            },
            [#"oneToOne[0]: needs "certificate" (base64 DER) or "sha256" (fingerprint)"#]
        )
        XCTAssertEqual(issues { $0.oneToOne[0].sha256 = nil }, [])
    }

    func testCertificateThatIsNotBase64DERIsRejected() {
        XCTAssertEqual(
            issues { $0.oneToOne[0].certificate = "aGVsbG8gd29ybGQ=" },
            ["oneToOne[0].certificate: not a base64 DER X.509 certificate"]
        )
    }

    func testManyToOneNeedsRulesAndAllowMappingsNeedAnAccount() {
        XCTAssertEqual(
            issues {
                $0.manyToOne[0].rules = []
                $0.manyToOne[0].account = nil
            },
            [
                "manyToOne[0].account: an allow mapping needs an account",
                "manyToOne[0].rules: needs at least one rule (a mapping without rules would match every certificate)",
            ]
        )
        XCTAssertEqual(
            issues {
                $0.manyToOne[0].permission = .deny
                $0.manyToOne[0].account = nil
            },
            [],
            "deny mappings need no account"
        )
    }

    func testSANSubfieldOnTheIssuerIsRejected() {
        XCTAssertEqual(
            issues {
                $0.manyToOne[0].rules.append(RuleEntry(field: .issuer, subfield: .sanEmail, match: "*"))
                $0.manyToOne[0].rules.append(RuleEntry(field: .issuer, subfield: .sanDNS, match: "*"))
            },
            [
                #"manyToOne[0].rules[2].subfield: SAN.email exists only in the subject; use field "subject""#,
                #"manyToOne[0].rules[3].subfield: SAN.dns exists only in the subject; use field "subject""#,
            ]
        )
    }

    func testEmptyMatchCriterionIsRejected() {
        XCTAssertEqual(
            issues { $0.manyToOne[0].rules[1].match = "" },
            [#"manyToOne[0].rules[1].match: must not be empty; use "*" to match any value"#]
        )
    }

    func testResourcePathMustStartWithSlash() {
        XCTAssertEqual(issues { $0.resources[1].path = "admin" }, [#"resources[1].path: "admin" must start with "/""#])
    }

    func testResourcePathMustBeANormalisedPathARequestCanHave() {
        XCTAssertEqual(issues { $0.resources[1].path = "/%61dmin" }, [#"resources[1].path: "/%61dmin" is matched against normalised paths; write it as "/admin""#])
        XCTAssertEqual(issues { $0.resources[1].path = "/public/../admin" }, [#"resources[1].path: "/public/../admin" is matched against normalised paths; write it as "/admin""#])
        XCTAssertEqual(issues { $0.resources[1].path = "/admin;x" }, [#"resources[1].path: "/admin;x" must be a path without a query (?) or path parameters (;)"#])
        XCTAssertEqual(
            issues { $0.resources[1].path = "/a%2Fb" },
            [#"resources[1].path: "/a%2Fb" is not a path a request can have: the target holds an encoded slash (%2F), which backends read differently"#])
        XCTAssertEqual(issues { $0.resources[1].path = "/caf%C3%A9/" }, [])
    }

    func testResourcePathsThatDifferOnlyInCaseAreDuplicatesUnlessCaseSensitive() {
        XCTAssertEqual(issues { $0.resources.append(ResourceEntry(path: "/ADMIN")) }, [#"resources[2]: duplicate resource path "/admin" (first at resources[1])"#])
        XCTAssertEqual(issues {
            $0.resources[1].caseSensitive = true
            $0.resources.append(ResourceEntry(path: "/ADMIN", caseSensitive: true))
        }, [])
    }

    func testConfiguredForwardedHeaderNamesMustBeHeaderTokens() {
        XCTAssertEqual(
            issues { $0.server.forwardedHeaders.escapedPEMHeader = "X SSL Cert" },
            [#"server.forwardedHeaders.escapedPEMHeader: "X SSL Cert" is not a valid header name"#])
        XCTAssertEqual(issues { $0.server.forwardedHeaders.base64DERHeader = "" }, [#"server.forwardedHeaders.base64DERHeader: "" is not a valid header name"#])
    }

    func testRequiredCertificateCannotAlsoAllowAnonymous() {
        XCTAssertEqual(
            issues { $0.resources[0].allowAnonymous = true },
            [#"resources[0].allowAnonymous: cannot be true when clientCertificate is "require""#]
        )
        XCTAssertEqual(issues {
            $0.resources[0].allowAnonymous = true
            $0.resources[0].clientCertificate = .accept
        }, [])
    }

    func testTrustSettingsAreChecked() {
        XCTAssertEqual(
            issues {
                $0.trust.revokedSerials = ["0A:1B", "not-hex", ""]
                $0.trust.caBundle = "  "
            },
            [
                #"trust.revokedSerials[1]: "not-hex" is not a hex serial number"#,
                #"trust.revokedSerials[2]: "" is not a hex serial number"#,
                "trust.caBundle: must name a PEM file of trusted CA certificates",
            ]
        )
    }

    func testEmptyAccountNameIsRejected() {
        XCTAssertEqual(issues { $0.accounts.append(AccountEntry(name: " ")) }, ["accounts[2].name: must not be empty"])
    }

    func testAccountNameWithAControlCharacterIsRejectedAsItBecomesAResponseHeader() {
        XCTAssertEqual(
            issues { $0.accounts.append(AccountEntry(name: "mallory\r\nSet-Cookie: a=b")) },
            ["accounts[2].name: must not contain control characters (it is sent in the X-CertMap-Account header)"])
        XCTAssertEqual(issues { $0.accounts.append(AccountEntry(name: "José Müller")) }, [], "non-ASCII names are fine")
    }

    func testEveryIssueIsReportedTogetherInDocumentOrder() {
        XCTAssertEqual(
            issues {
                $0.accounts.append(AccountEntry(name: "sales"))
                $0.oneToOne[0].account = "bob"
                $0.manyToOne[0].rules.append(RuleEntry(field: .issuer, subfield: .sanDNS, match: "x"))
                $0.resources[0].path = "portal"
                $0.resources[1].allowAnonymous = true
            },
            [
                #"accounts[2]: duplicate account "sales" (first at accounts[1])"#,
                #"oneToOne[0].account: unknown account "bob"; add it to accounts"#,
                #"manyToOne[0].rules[2].subfield: SAN.dns exists only in the subject; use field "subject""#,
                #"resources[0].path: "portal" must start with "/""#,
                #"resources[1].allowAnonymous: cannot be true when clientCertificate is "require""#,
            ]
        )
    }
}
